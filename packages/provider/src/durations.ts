const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses Go-style durations as used by the reference's flags (`1m`, `30s`, `1h30m`, `500ms`);
 * a bare number is seconds. Throws with the accepted forms on anything else.
 */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1_000);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    total += Number(m[1]) * (UNITS[m[2] ?? ''] ?? NaN);
    matched = re.lastIndex;
  }
  if (t === '' || matched !== t.length || Number.isNaN(total)) {
    throw new Error(`invalid duration ${JSON.stringify(text)}: use e.g. 500ms, 30s, 1m or 1h30m`);
  }
  return Math.round(total);
}
