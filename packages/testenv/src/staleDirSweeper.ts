import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OWNER_FILE = 'owner.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM means the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Marks a temporary cluster directory as owned by this process. */
export function markOwned(dir: string): void {
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
}

/**
 * Removes temporary cluster directories (`<prefix>*` under `parent`) whose
 * owner process is gone: what a test runner killed with SIGKILL left behind.
 */
export function sweepStaleDirs(parent: string, prefix: string): string[] {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(parent).filter((e) => e.startsWith(prefix));
  } catch {
    return removed;
  }
  for (const e of entries) {
    const dir = join(parent, e);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue; // not ours, or still being created
    }
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  }
  return removed;
}
