import { HttpError } from '../http/httpErrors.js';

// The two texts below are the ones the OSB specification gives; clients compare them literally.

export function asyncRequired(): HttpError {
  return new HttpError(422, {
    error: 'AsyncRequired',
    description: 'This service plan requires client support for asynchronous service operations.',
  });
}

export function concurrencyError(): HttpError {
  return new HttpError(422, {
    error: 'ConcurrencyError',
    description: 'Another operation for this service instance is in progress.',
  });
}

/** `InstanceNotFound` is what a9s clients test for (reference section 6.9) on 404 and 410. */
export function instanceNotFound(
  status: 404 | 410,
  instanceId: string,
  detail = 'does not exist',
): HttpError {
  return new HttpError(status, {
    error: 'InstanceNotFound',
    description: `Service instance ${instanceId} ${detail}.`,
  });
}

export function bindingNotFound(status: 404 | 410, instanceId: string, bindingId: string): HttpError {
  return new HttpError(status, {
    error: 'BindingNotFound',
    description: `Service binding ${bindingId} of service instance ${instanceId} does not exist.`,
  });
}
