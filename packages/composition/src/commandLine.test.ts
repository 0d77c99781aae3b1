import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine } from './commandLine.js';

describe('command line', () => {
  it('has the documented defaults', () => {
    assert.deepEqual(parseCommandLine([]), {
      kind: 'run',
      options: {
        connectionSecretNamespace: 'klutch-system',
        leaderElection: true,
        healthAddress: '127.0.0.1:8082',
        logLevel: 'info',
        workers: 2,
      },
    });
  });

  it('runs without leader election only when told to', () => {
    const off = parseCommandLine(['--leader-election=false']);
    assert.equal(off.kind === 'run' && off.options.leaderElection, false);
    const bad = parseCommandLine(['--leader-elect=nah']);
    assert.match(bad.kind === 'error' ? bad.message : '', /--leader-elect takes true or false/);
  });

  it('takes every flag', () => {
    assert.deepEqual(
      parseCommandLine([
        '--kubeconfig',
        '/tmp/kc',
        '--connection-secret-namespace',
        'secrets',
        '--leader-election',
        '--leader-election-namespace',
        'leases',
        '--health-address',
        '0.0.0.0:9000',
        '--log-level',
        'debug',
        '--workers',
        '4',
      ]),
      {
        kind: 'run',
        options: {
          kubeconfig: '/tmp/kc',
          connectionSecretNamespace: 'secrets',
          leaderElection: true,
          leaderElectionNamespace: 'leases',
          healthAddress: '0.0.0.0:9000',
          logLevel: 'debug',
          workers: 4,
        },
      },
    );
  });

  it('answers --help with the usage', () => {
    const parsed = parseCommandLine(['--help']);
    assert.equal(parsed.kind, 'help');
    assert.match(parsed.kind === 'help' ? parsed.text : '', /--connection-secret-namespace/);
  });

  it('explains bad input', () => {
    const message = (argv: string[]) => {
      const parsed = parseCommandLine(argv);
      assert.equal(parsed.kind, 'error');
      return parsed.kind === 'error' ? parsed.message : '';
    };
    assert.match(message(['--workers', 'many']), /--workers must be a whole number/);
    assert.match(message(['--workers', '65']), /--workers must be a whole number from 1 to 64/);
    assert.match(message(['--log-level', 'loud']), /--log-level must be one of/);
    assert.match(message(['--health-address', 'localhost']), /--health-address must be HOST:PORT/);
    assert.match(message(['--connection-secret-namespace', 'Not_Valid']), /not a valid namespace name/);
    assert.match(message(['--leader-election-namespace', '-x']), /--leader-election-namespace/);
    assert.match(message(['--unknown']), /Unknown option '--unknown'/);
  });
});
