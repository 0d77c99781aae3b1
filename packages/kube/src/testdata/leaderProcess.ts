// Test fixture: one leader-election candidate in its own process. While it
// leads it prints "tick" every 100 ms, so the parent can see it working.
import { KubeClient } from '../kubeClient.js';
import { LeaderElector } from '../leaderElection.js';
import { silentLogger } from '../logger.js';

const [kubeconfigPath, identity] = process.argv.slice(2);
if (!kubeconfigPath || !identity) throw new Error('usage: leaderProcess.ts KUBECONFIG IDENTITY');
const client = KubeClient.from({ file: kubeconfigPath });
const elector = new LeaderElector({
  client,
  namespace: 'default',
  name: 'election',
  identity,
  logger: silentLogger(),
  leaseDurationMs: 3000,
  renewDeadlineMs: 2000,
  retryPeriodMs: 500,
  onStartedLeading: async (leadership) => {
    process.stdout.write('leading\n');
    while (!leadership.aborted) {
      process.stdout.write('tick\n');
      await new Promise((r) => setTimeout(r, 100));
    }
  },
});
await elector.run(new AbortController().signal);
