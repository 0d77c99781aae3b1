// Test fixture: starts a cluster, reports its PIDs and directory on stdout,
// then either waits (to be interrupted or killed) or crashes on request.
import { startCluster } from '../testCluster.js';

const mode = process.argv[2] ?? 'wait';
const cluster = await startCluster({ name: 'held' });
process.stdout.write(JSON.stringify({ pids: cluster.pids(), dir: cluster.dir }) + '\n');
if (mode === 'crash') {
  setTimeout(() => {
    throw new Error('simulated crash of a test process');
  }, 50);
}
setInterval(() => undefined, 1000);
