import { createHash } from 'node:crypto';

/**
 * Instance ids become key prefixes and ACL patterns. Glob characters (`*`, `?`, `[`), spaces or a
 * `:` would widen a binding's pattern to other instances' keys, so only these characters are used.
 */
const safeInstanceId = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Why an instance id cannot name a key namespace, or undefined when it can. */
export function keyPrefixProblem(instanceId: string): string | undefined {
  if (safeInstanceId.test(instanceId)) return undefined;
  return (
    `instance id ${JSON.stringify(instanceId)} cannot name a key namespace: key-value instance ids must be ` +
    'at most 128 letters, digits, dots, underscores or dashes (a UUID, as platforms send)'
  );
}

/** `<instance-id>:`: every key and channel of the instance starts with it. */
export function keyPrefix(instanceId: string): string {
  const problem = keyPrefixProblem(instanceId);
  if (problem) throw new Error(problem);
  return `${instanceId}:`;
}

/**
 * Command categories a binding gets: the data types, transactions and publish/subscribe. Scripting
 * is not among them: Lua runs inside the shared server, and Redis 7.0 has had sandbox escapes.
 */
const allowedCategories = [
  'read',
  'write',
  'keyspace',
  'string',
  'bitmap',
  'hyperloglog',
  'list',
  'hash',
  'set',
  'sortedset',
  'geo',
  'stream',
  'pubsub',
  'transaction',
  'blocking',
];

/** Connection commands clients send on their own (handshake, names); the rest of CLIENT shows or kills other sessions. */
const allowedCommands = [
  'ping',
  'echo',
  'auth',
  'hello',
  'reset',
  'quit',
  'time',
  'client|id',
  'client|getname',
  'client|setname',
  'client|info',
];

/**
 * Commands that reach beyond the binding's keys although they are in an allowed category: they
 * ignore key patterns (KEYS, SCAN, RANDOMKEY, DBSIZE, PUBSUB CHANNELS list or count the whole
 * server; MEMORY STATS and DOCTOR describe it), empty it (FLUSHDB, FLUSHALL), move data between
 * logical databases whose keys the backup never sees (SELECT, MOVE, SWAPDB, COPY … DB), read keys
 * named by a pattern (SORT … BY/GET) or load an unchecked payload (RESTORE, MIGRATE).
 */
const deniedCommands = [
  'keys',
  'scan',
  'randomkey',
  'dbsize',
  'flushdb',
  'flushall',
  'select',
  'move',
  'swapdb',
  'copy',
  'restore',
  'restore-asking',
  'migrate',
  'pubsub',
  'memory',
  'sort',
  'sort_ro',
];

/**
 * The ACL SETUSER rules of a binding user: `reset` first, so a re-run (another password, changed
 * rules) never keeps anything of before; then only the instance's key and channel pattern and the
 * commands above, with every dangerous, admin and scripting command taken out again.
 */
export function bindingAclRules(instanceId: string, passwordHashes: readonly string[]): string[] {
  const prefix = keyPrefix(instanceId);
  return [
    'reset',
    'on',
    ...passwordHashes.map((h) => `#${h}`),
    `~${prefix}*`,
    `&${prefix}*`,
    ...allowedCategories.map((c) => `+@${c}`),
    ...allowedCommands.map((c) => `+${c}`),
    '-@dangerous',
    '-@admin',
    '-@scripting',
    ...deniedCommands.map((c) => `-${c}`),
  ];
}

/** Redis stores ACL passwords as SHA-256: handing over the hash keeps the password out of the server's memory and logs. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
