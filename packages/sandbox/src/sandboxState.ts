import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the sandbox keeps between runs besides the cluster data. */
export interface SandboxState {
  brokerUsername: string;
  brokerPassword: string;
}

/** Loads `<dir>/sandbox.json`, creating it (owner-only) with fresh broker credentials on first use. */
export function loadSandboxState(dir: string): SandboxState {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'sandbox.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SandboxState;
  const state: SandboxState = {
    brokerUsername: 'klutch',
    brokerPassword: randomBytes(18).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
  return state;
}
