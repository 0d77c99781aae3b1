export const defaultPostgresAdminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
export const defaultProvisionDelayMs = 300;
export const defaultStateDatabaseName = 'klutch_broker';

// Database timeouts. A lock is normally held for milliseconds, so 10 s of waiting means another
// session keeps it (an open transaction, a stuck client); the operation then fails and can be
// retried instead of staying "in progress" forever. Statements of the broker are small DDL
// (CREATE/DROP DATABASE copies or removes files), so a minute is generous even on a slow disk.
export const defaultConnectTimeoutMs = 10_000;
export const defaultStatementTimeoutMs = 60_000;
export const defaultLockTimeoutMs = 10_000;
/** A whole backup or restore (dump, encryption, replay); a sandbox database dumps in seconds. */
export const defaultJobTimeoutMs = 30 * 60_000;

// Bounds of the work the broker accepts. Beyond them it answers 429 with Retry-After, and the
// platform sends the request again later; nothing is half-created.
/** Asynchronous OSB operations that may run at the same time (each holds an admin connection). */
export const defaultOperationConcurrency = 2;
/** OSB operations accepted but not finished, over all instances. */
export const defaultMaxPendingOperations = 50;
/** Backups and restores waiting for their turn, over all instances. */
export const defaultMaxQueuedJobs = 20;
/** What a 429 suggests: long enough for a few operations or jobs to finish. */
export const busyRetryAfterSeconds = 10;
