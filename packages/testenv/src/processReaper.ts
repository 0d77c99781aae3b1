import { rmSync } from 'node:fs';

/**
 * Last-resort cleanup when the Node process ends without stopping its clusters
 * (a test that throws, Ctrl-C, an uncaught error). Signal and exit handlers are
 * process-wide by nature, so this registry is the one deliberate module-level
 * state of the package. SIGKILL of the Node process itself cannot be caught;
 * for that case the kcluster components watch their parent PID and exit.
 */
interface Reapable {
  pids: () => number[];
  dirs: () => string[];
}

const live = new Set<Reapable>();
let installed = false;

function reapAll(): void {
  for (const r of live) {
    for (const pid of r.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const dir of r.dirs()) rmSync(dir, { recursive: true, force: true });
  }
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', reapAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      // An application that handles the signal itself shuts down gracefully;
      // the exit handler still reaps whatever it leaves behind.
      if (process.listenerCount(sig) > 1) return;
      reapAll();
      // Re-raise with the default action so the exit status tells the truth.
      process.removeAllListeners(sig);
      process.kill(process.pid, sig);
    });
  }
}

export function registerForReaping(r: Reapable): () => void {
  install();
  live.add(r);
  return () => {
    live.delete(r);
  };
}
