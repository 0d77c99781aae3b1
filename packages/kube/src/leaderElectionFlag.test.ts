import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { takeLeaderElectionFlag } from './leaderElectionFlag.js';

describe('takeLeaderElectionFlag', () => {
  it('is on by default and leaves the other flags alone', () => {
    assert.deepEqual(takeLeaderElectionFlag(['--log-level', 'debug']), {
      rest: ['--log-level', 'debug'],
      leaderElection: true,
    });
  });
  it('accepts the Go spellings; the last one wins', () => {
    for (const [args, want] of [
      [['--leader-election=false'], false],
      [['--leader-elect=false'], false],
      [['--no-leader-election'], false],
      [['--leader-election=0'], false],
      [['--leader-election=false', '--leader-election'], true],
      [['--leader-elect=true'], true],
      [['--leader-election', '--leader-elect=F'], false],
    ] as const) {
      assert.equal(
        (takeLeaderElectionFlag(args) as { leaderElection: boolean }).leaderElection,
        want,
        args.join(' '),
      );
    }
  });
  it("takes short aliases only where the program has them (the provider's -l)", () => {
    assert.deepEqual(takeLeaderElectionFlag(['-l'], { defaultValue: false, shortAliases: ['-l'] }), {
      rest: [],
      leaderElection: true,
    });
    assert.deepEqual(takeLeaderElectionFlag(['-l'], { defaultValue: false }), {
      rest: ['-l'],
      leaderElection: false,
    });
  });
  it('reads an environment value that flags override', () => {
    assert.equal(
      (takeLeaderElectionFlag([], { envValue: 'false' }) as { leaderElection: boolean }).leaderElection,
      false,
    );
    assert.equal(
      (takeLeaderElectionFlag(['--leader-election'], { envValue: 'false' }) as { leaderElection: boolean })
        .leaderElection,
      true,
    );
  });
  it('names the flag and the way to turn it off when the value is not a boolean', () => {
    assert.deepEqual(takeLeaderElectionFlag(['--leader-election=off']), {
      error:
        '--leader-election takes true or false (e.g. --leader-election=false to run without leader election), got "off"',
    });
    assert.match(
      (takeLeaderElectionFlag([], { envValue: 'nope' }) as { error: string }).error,
      /LEADER_ELECTION must be true or false/,
    );
  });
  it('does not look past --', () => {
    assert.deepEqual(takeLeaderElectionFlag(['--', '--leader-election=false']), {
      rest: ['--', '--leader-election=false'],
      leaderElection: true,
    });
  });
});
