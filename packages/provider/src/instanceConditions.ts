import { available, creating, deleting, unavailable, type ReadyState } from './managedConditions.js';
import type { OperationKind } from './pendingOperation.js';

/**
 * Ready of a ServiceInstance from what is known about it. An operation in flight decides first
 * (its outcome is not known yet); then the state the broker reports. Brokers without the a9s
 * state report nothing once an instance can be fetched, which means it is usable.
 */
export function instanceReadyState(input: {
  pending?: OperationKind;
  /** The a9s state (`GET /instances/{id}`), when the broker offers it. */
  state?: string;
}): ReadyState {
  switch (input.pending) {
    case 'provision':
      return creating('The broker is provisioning the instance.');
    case 'update':
      return unavailable('The broker is updating the instance.');
    case 'deprovision':
      return deleting('The broker is deprovisioning the instance.');
    default:
      break;
  }
  switch (input.state) {
    case undefined:
    case 'provisioned':
    case 'available':
      return available();
    case 'created':
    case 'deploying':
      return creating(`The instance is ${input.state}.`);
    case 'deleting':
      return deleting('The instance is being deleted at the broker.');
    case 'deleted':
      return unavailable('The instance has been deleted at the broker.');
    case 'failed':
      return unavailable('The broker reports the instance as failed.');
    default:
      return unavailable(
        `Unable to determine the state of the instance: the broker reports "${input.state}".`,
      );
  }
}
