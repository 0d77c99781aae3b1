import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine } from './commandLine.js';

void describe('parseCommandLine', () => {
  void it('has the reference defaults, except that leader election is on', () => {
    const c = parseCommandLine([], {});
    assert.equal(c.kubeconfig, undefined);
    assert.equal(c.leaderElection, true);
    assert.equal(c.leaderElectionNamespace, 'klutch-system');
    assert.equal(c.healthAddress, '127.0.0.1:8081');
    assert.equal(c.pollIntervalMs, 60_000);
    assert.equal(c.maxReconcileRate, 10);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.healthCheckIntervalMs, 180_000);
    assert.equal(c.healthCheckRetryIntervalMs, 30_000);
  });

  void it('reads flags and the environment', () => {
    const c = parseCommandLine(
      [
        '--kubeconfig',
        '/k',
        '--leader-election',
        '--poll',
        '30s',
        '--max-reconcile-rate',
        '3',
        '--log-level',
        'debug',
      ],
      { POD_NAMESPACE: 'crossplane-system' },
    );
    assert.equal(c.kubeconfig, '/k');
    assert.equal(c.leaderElection, true);
    assert.equal(c.leaderElectionNamespace, 'crossplane-system');
    assert.equal(c.pollIntervalMs, 30_000);
    assert.equal(c.maxReconcileRate, 3);
    assert.equal(parseCommandLine([], { KUBECONFIG: '/env' }).kubeconfig, '/env');
  });

  void it('turns leader election off with any of the Go spellings', () => {
    for (const args of [['--leader-election=false'], ['--no-leader-election'], ['-l=false']])
      assert.equal(parseCommandLine(args, {}).leaderElection, false, args.join(' '));
    assert.equal(parseCommandLine([], { LEADER_ELECTION: 'false' }).leaderElection, false);
    assert.equal(parseCommandLine(['-l'], { LEADER_ELECTION: 'false' }).leaderElection, true);
    assert.throws(
      () => parseCommandLine(['--leader-election=maybe'], {}),
      /--leader-election takes true or false/,
    );
  });

  void it('rejects bad values with the flag name', () => {
    assert.throws(() => parseCommandLine(['--poll', 'often'], {}), /--poll: invalid duration/);
    assert.throws(() => parseCommandLine(['--max-reconcile-rate', '0'], {}), /--max-reconcile-rate/);
    assert.throws(() => parseCommandLine(['--log-level', 'loud'], {}), /--log-level/);
    assert.throws(() => parseCommandLine(['--unknown'], {}), /unknown/i);
  });
});
