import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine } from './commandLine.js';

describe('konnector command line', () => {
  it('has the reference defaults', () => {
    assert.deepEqual(parseCommandLine([]), {
      kind: 'run',
      options: {
        leaderElection: true,
        leaseName: 'klutch-bind',
        leaseNamespace: 'kube-system',
        logLevel: 'info',
        healthAddress: '127.0.0.1:8080',
      },
    });
  });
  it('takes the lease namespace from $POD_NAMESPACE unless given', () => {
    const env = { POD_NAMESPACE: 'klutch-bind' };
    const r = parseCommandLine([], env);
    assert.equal(r.kind === 'run' && r.options.leaseNamespace, 'klutch-bind');
    const flag = parseCommandLine(['--lease-namespace', 'other'], env);
    assert.equal(flag.kind === 'run' && flag.options.leaseNamespace, 'other');
  });
  it('parses every flag', () => {
    const r = parseCommandLine([
      '--kubeconfig',
      '/k',
      '--leader-election=false',
      '--lease-name',
      'l',
      '--health-address',
      '0.0.0.0:9090',
      '--log-level',
      'debug',
      '--heartbeat-interval',
      '30s',
      '--informer-sync-timeout',
      '1m',
    ]);
    assert.deepEqual(r, {
      kind: 'run',
      options: {
        kubeconfig: '/k',
        leaderElection: false,
        leaseName: 'l',
        leaseNamespace: 'kube-system',
        healthAddress: '0.0.0.0:9090',
        logLevel: 'debug',
        heartbeatIntervalMs: 30_000,
        informerSyncTimeoutMs: 60_000,
      },
    });
  });
  it('rejects bad input with actionable messages', () => {
    const bad: Array<[string[], RegExp]> = [
      [['--log-level', 'loud'], /--log-level must be one of/],
      [['--heartbeat-interval', '5'], /--heartbeat-interval must be a duration/],
      [['--heartbeat-interval', '10ms'], /at least 1s/],
      [['--health-address', 'nowhere'], /--health-address must be HOST:PORT/],
      [['--lease-namespace', 'Bad_NS'], /not a valid namespace name/],
      [['--unknown'], /Unknown option/],
      [['--leader-elect=off'], /--leader-elect takes true or false/],
    ];
    for (const [argv, re] of bad) {
      const r = parseCommandLine(argv);
      assert.equal(r.kind, 'error', argv.join(' '));
      assert.match(r.kind === 'error' ? r.message : '', re);
    }
    assert.equal(parseCommandLine(['--help']).kind, 'help');
  });

  it('takes the control-plane-mode flags of seed 002, key defaulting to kubeconfig', () => {
    const r = parseCommandLine(
      [
        '--control-plane-mode',
        '--app-cluster-kubeconfig-secret-name=my-app-cluster',
        '--app-cluster-kubeconfig-secret-namespace=klutch-system',
        '--binding-root-namespace=klutch-bind-default-a',
        '--lease-namespace=klutch-bind-default-a',
      ],
      {},
    );
    assert.equal(r.kind, 'run');
    assert.deepEqual(r.kind === 'run' ? r.options.controlPlane : undefined, {
      appClusterKubeconfigSecret: { name: 'my-app-cluster', namespace: 'klutch-system', key: 'kubeconfig' },
      bindingRootNamespace: 'klutch-bind-default-a',
    });
  });

  it('fails at start when a required control-plane-mode flag is missing', () => {
    const all = [
      '--control-plane-mode',
      '--app-cluster-kubeconfig-secret-name=s',
      '--app-cluster-kubeconfig-secret-namespace=ns',
      '--binding-root-namespace=root',
    ];
    const cases: Array<[string[], RegExp]> = [
      [all.filter((a) => !a.includes('secret-name')), /needs --app-cluster-kubeconfig-secret-name/],
      [all.filter((a) => !a.includes('secret-namespace')), /needs --app-cluster-kubeconfig-secret-namespace/],
      [all.filter((a) => !a.includes('binding-root')), /needs --binding-root-namespace/],
      [
        [...all, '--app-cluster-kubeconfig-secret-key='],
        /--app-cluster-kubeconfig-secret-key must not be empty/,
      ],
      [['--binding-root-namespace=root'], /only used with --control-plane-mode/],
    ];
    for (const [argv, re] of cases) {
      const r = parseCommandLine(argv);
      assert.equal(r.kind, 'error', argv.join(' '));
      assert.match(r.kind === 'error' ? r.message : '', re);
    }
  });
});
