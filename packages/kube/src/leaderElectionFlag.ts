/**
 * The leader-election switch of every controller program, in the spellings the Go programs
 * accept: `--leader-election` and `--leader-elect` (pflag: `=true`/`=false`), kingpin's
 * `--no-leader-election`, and optional short aliases (the provider's `-l`). Node's parseArgs
 * knows none of the `=false` forms, so the switch is taken out of argv before it runs.
 */
export interface LeaderElectionFlag {
  /** argv without the switch, for parseArgs. */
  rest: string[];
  leaderElection: boolean;
}

const longNames = ['--leader-election', '--leader-elect'];

/** Takes the switch out of `argv`; the last occurrence wins. On by default. */
export function takeLeaderElectionFlag(
  argv: readonly string[],
  opts: { defaultValue?: boolean; shortAliases?: readonly string[]; envValue?: string } = {},
): LeaderElectionFlag | { error: string } {
  let leaderElection = opts.defaultValue ?? true;
  if (opts.envValue !== undefined && opts.envValue !== '') {
    const v = parseBoolean(opts.envValue);
    if (v === undefined)
      return { error: `LEADER_ELECTION must be true or false, got ${JSON.stringify(opts.envValue)}` };
    leaderElection = v;
  }
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const [name, value] = splitInline(arg);
    if (longNames.includes(name) || opts.shortAliases?.includes(name)) {
      if (value === undefined) {
        leaderElection = true;
        continue;
      }
      const v = parseBoolean(value);
      if (v === undefined)
        return {
          error: `${name} takes true or false (e.g. --leader-election=false to run without leader election), got ${JSON.stringify(value)}`,
        };
      leaderElection = v;
      continue;
    }
    if (arg === '--no-leader-election') {
      leaderElection = false;
      continue;
    }
    rest.push(arg);
  }
  return { rest, leaderElection };
}

function splitInline(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq > 0 && arg.startsWith('-') ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

/** Go's strconv.ParseBool spellings. */
function parseBoolean(v: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return undefined;
}
