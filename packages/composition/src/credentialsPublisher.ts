import type { Informer, ResourceClient } from '@klutch/kube';
import {
  credentialsSecretName,
  credentialsUpToDate,
  desiredCredentialsSecret,
  isCredentialsSecretOf,
} from './bindingCredentials.js';
import type { Secret, ServiceBindingClaim } from './composedObjects.js';

export type CredentialsOutcome =
  /** The provider has not written the connection Secret yet. */
  | { state: 'waiting'; message: string }
  /** The credentials Secret holds the current credentials; `written` when this call wrote it. */
  | { state: 'published'; secretName: string; written: boolean }
  /** A Secret of that name exists and belongs to something else: it is left alone. */
  | { state: 'conflict'; message: string };

export interface CredentialsPublisherOptions {
  secrets: ResourceClient<Secret>;
  /** Secrets in the connection-secret namespace, where the provider writes. */
  connectionSecrets: Informer<Secret>;
  /** The credentials Secrets this controller wrote (selected by their label). */
  credentialsSecrets: Informer<Secret>;
  connectionSecretNamespace: string;
  fieldManager: string;
}

/**
 * Copies the provider's connection Secret of a binding into the app-facing credentials Secret
 * `<binding>-creds` in the binding's namespace. The Secret's content is never logged or returned.
 */
export class CredentialsPublisher {
  constructor(private readonly opts: CredentialsPublisherOptions) {}

  async publish(
    binding: ServiceBindingClaim,
    managedName: string,
    signal: AbortSignal,
  ): Promise<CredentialsOutcome> {
    const { namespace, name } = binding.metadata;
    if (!namespace || !name) throw new Error('the ServiceBinding needs a name and namespace');
    const source = this.opts.connectionSecrets.get(`${this.opts.connectionSecretNamespace}/${managedName}`);
    if (!source?.data || Object.keys(source.data).length === 0) {
      return {
        state: 'waiting',
        message: `Waiting for the provider to write the credentials of ServiceBinding "${managedName}" (Secret ${this.opts.connectionSecretNamespace}/${managedName}).`,
      };
    }
    const secretName = credentialsSecretName(name);
    // The informer only sees Secrets with our label; a foreign Secret of the same name has none.
    const current =
      this.opts.credentialsSecrets.get(`${namespace}/${secretName}`) ??
      (await this.opts.secrets.tryGet(secretName, { namespace, signal }));
    if (current && !isCredentialsSecretOf(current, binding)) {
      return {
        state: 'conflict',
        message: `Secret "${secretName}" already exists in namespace "${namespace}" and does not belong to this ServiceBinding; delete or rename that Secret so that the credentials can be written to it.`,
      };
    }
    const desired = desiredCredentialsSecret(binding, source.data);
    if (current && credentialsUpToDate(current, desired))
      return { state: 'published', secretName, written: false };
    await this.opts.secrets.apply(desired, { fieldManager: this.opts.fieldManager, force: true, signal });
    return { state: 'published', secretName, written: true };
  }

  /**
   * Deletes the credentials Secret once the binding is revoked at the broker. Its ownerReference
   * would let the garbage collector do it too, but only after the binding object is gone and
   * the collector noticed, while these credentials no longer work already.
   */
  async withdraw(binding: ServiceBindingClaim, signal: AbortSignal): Promise<boolean> {
    const { namespace, name } = binding.metadata;
    if (!namespace || !name) return false;
    const secretName = credentialsSecretName(name);
    const current = await this.opts.secrets.tryGet(secretName, { namespace, signal });
    if (!current || !isCredentialsSecretOf(current, binding)) return false;
    return this.opts.secrets.tryDelete(secretName, {
      namespace,
      preconditions: { uid: current.metadata.uid },
      signal,
    });
  }
}
