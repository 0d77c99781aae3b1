const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a Go duration string as metav1.Duration serialises it (`5m0s`, `1h30m`, `250ms`, `0s`)
 * into milliseconds; undefined when it is not one.
 */
export function parseGoDuration(text: string): number | undefined {
  let s = text.trim();
  if (!s) return undefined;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  let total = 0;
  let matched = false;
  while (s.length > 0) {
    const m = part.exec(s);
    if (!m) return undefined;
    const [whole, num, unit] = m;
    if (num === undefined || unit === undefined) return undefined;
    total += Number(num) * (unitMs[unit] ?? Number.NaN);
    s = s.slice(whole.length);
    matched = true;
  }
  return matched && Number.isFinite(total) ? sign * total : undefined;
}

/** Formats milliseconds like Go's time.Duration.String for whole seconds and above (`5m0s`, `1h0m0s`). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (Math.abs(ms) < 1000) return `${ms}ms`;
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms) / 1000;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  rest -= m * 60;
  const s = Number(rest.toFixed(3)).toString();
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}
