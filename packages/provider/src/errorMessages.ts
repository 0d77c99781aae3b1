import { KubeApiError } from '@klutch/kube';

/**
 * The message a user sees in a condition or Event for a failed reconcile: errors that carry a
 * `userMessage` (broker and backup-manager clients, ProviderConfig problems, the provider's own
 * checks) and Kubernetes API errors are shown as they are; anything else is a bug in the provider,
 * whose details belong in its logs and not in a user-facing object.
 */
export function userMessageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'userMessage' in err) {
    const m = err.userMessage;
    if (typeof m === 'string' && m) return m;
  }
  if (err instanceof KubeApiError) return `Kubernetes API request failed: ${err.message}`;
  return 'internal error in the provider; its logs have the details';
}

/** An error of the provider's own checks whose message is meant for users. */
export class UserFacingError extends Error {
  readonly userMessage: string;
  constructor(message: string) {
    super(message);
    this.name = 'UserFacingError';
    this.userMessage = message;
  }
}
