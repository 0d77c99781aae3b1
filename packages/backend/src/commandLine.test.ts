import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine } from './commandLine.js';

describe('parseCommandLine', () => {
  it('has the reference defaults', () => {
    const p = parseCommandLine([]);
    assert.equal(p.kind, 'run');
    if (p.kind !== 'run') return;
    assert.equal(p.options.namespacePrefix, 'cluster');
    assert.equal(p.options.prettyName, 'Example Backend');
    assert.equal(p.options.consumerScope, 'Namespaced');
    assert.equal(p.options.clusterScopedIsolation, 'Prefixed');
    assert.equal(p.options.healthAddress, '127.0.0.1:8090');
    assert.equal(p.options.leaderElection, true);
  });

  it('turns leader election off only when told to', () => {
    for (const [args, want] of [
      [['--leader-election=false'], false],
      [['--leader-elect=false'], false],
      [['--leader-election'], true],
    ] as const) {
      const p = parseCommandLine(args);
      assert.equal(p.kind === 'run' && p.options.leaderElection, want, args.join(' '));
    }
    const bad = parseCommandLine(['--leader-election=no']);
    assert.equal(bad.kind, 'error');
    assert.match(bad.kind === 'error' ? bad.message : '', /--leader-election takes true or false/);
  });

  it('normalizes scope and isolation case-insensitively', () => {
    const p = parseCommandLine([
      '--consumer-scope',
      'cluster',
      '--cluster-scoped-isolation=NONE',
      '--namespace-prefix',
      'tenant-',
    ]);
    assert.equal(p.kind, 'run');
    if (p.kind !== 'run') return;
    assert.equal(p.options.consumerScope, 'Cluster');
    assert.equal(p.options.clusterScopedIsolation, 'None');
    assert.equal(p.options.namespacePrefix, 'tenant');
  });

  it('takes --control-plane-mode with the other flags, as the example manifest does', () => {
    const p = parseCommandLine([
      '--namespace-prefix=cluster',
      '--pretty-name=MangoDB',
      '--consumer-scope=Namespaced',
      '--control-plane-mode',
      '--konnector-image=mirror.example/konnector:1',
    ]);
    assert.equal(p.kind, 'run');
    if (p.kind !== 'run') return;
    assert.equal(p.options.controlPlaneMode, true);
    assert.equal(p.options.konnectorImage, 'mirror.example/konnector:1');
    const off = parseCommandLine([]);
    assert.equal(off.kind === 'run' && off.options.controlPlaneMode, false);
    const bad = parseCommandLine(['--konnector-image= ']);
    assert.match(bad.kind === 'error' ? bad.message : '', /--konnector-image must be an image reference/);
  });

  it('rejects bad values with a message naming the flag', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--consumer-scope', 'global'], /--consumer-scope must be Namespaced or Cluster/],
      [['--cluster-scoped-isolation', 'x'], /--cluster-scoped-isolation must be/],
      [['--external-address', 'http://a'], /--external-address: .*https:\/\//],
      [['--namespace-prefix', ''], /--namespace-prefix/],
      [['--pretty-name', ' '], /--pretty-name must not be empty/],
      [['--health-address', 'nope'], /--health-address/],
      [['--log-level', 'loud'], /--log-level/],
      [['--no-such-flag'], /Unknown option/],
    ];
    for (const [argv, re] of cases) {
      const p = parseCommandLine(argv);
      assert.equal(p.kind, 'error', argv.join(' '));
      if (p.kind === 'error') assert.match(p.message, re);
    }
  });
});
