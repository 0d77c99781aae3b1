/**
 * Converts a Retry-After header (delay in seconds, or an HTTP date) into a delay in
 * milliseconds; undefined when it is missing or unreadable. Dates in the past give 0.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: Date = new Date(),
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only accept something that looks like a date: Date.parse is lenient with garbage such as "5.5".
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
