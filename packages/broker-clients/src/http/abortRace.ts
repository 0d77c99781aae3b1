/**
 * Waits for a shared promise, but lets this caller stop waiting when its own signal
 * aborts (rejecting with the signal's reason, unchanged). The promise itself goes on
 * for the other callers.
 */
export function waitUnlessAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The reason is whatever the aborting code passed (an Error by convention, a DOMException by default). */
function abortReason(signal: AbortSignal): Error {
  return signal.reason as Error;
}
