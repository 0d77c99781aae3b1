/**
 * A minimal Prometheus client for tests: remote write (protobuf WriteRequest in a snappy block,
 * encoded by hand so the tests need no code generator) and instant queries.
 */

export interface PrometheusAuth {
  username: string;
  password: string;
}

export interface Sample {
  /** Labels besides `__name__`. */
  labels?: Record<string, string>;
  name: string;
  value: number;
  timestampMs: number;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

function lengthDelimited(field: number, payload: Uint8Array): number[] {
  return [(field << 3) | 2, ...varint(payload.length), ...payload];
}

function label(name: string, value: string): Uint8Array {
  return Uint8Array.from([
    ...lengthDelimited(1, Buffer.from(name, 'utf8')),
    ...lengthDelimited(2, Buffer.from(value, 'utf8')),
  ]);
}

/** prometheus.WriteRequest { repeated TimeSeries timeseries = 1 }. */
export function encodeWriteRequest(samples: readonly Sample[]): Uint8Array {
  const out: number[] = [];
  for (const sample of samples) {
    const labels = Object.entries({ __name__: sample.name, ...sample.labels }).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    const series: number[] = [];
    for (const [name, value] of labels) series.push(...lengthDelimited(1, label(name, value)));
    const value = Buffer.alloc(8);
    value.writeDoubleLE(sample.value);
    const point = Uint8Array.from([(1 << 3) | 1, ...value, 2 << 3, ...varint(sample.timestampMs)]);
    series.push(...lengthDelimited(2, point));
    out.push(...lengthDelimited(1, Uint8Array.from(series)));
  }
  return Uint8Array.from(out);
}

/** A snappy block of literals only: valid snappy that every decoder reads, just not smaller. */
export function snappyLiteralBlock(data: Uint8Array): Uint8Array {
  const out: number[] = [...varint(data.length)];
  for (let offset = 0; offset < data.length; offset += 65_536) {
    const chunk = data.subarray(offset, Math.min(offset + 65_536, data.length));
    const n = chunk.length - 1;
    if (n < 60) out.push(n << 2);
    else if (n < 256) out.push(60 << 2, n);
    else out.push(61 << 2, n & 0xff, n >> 8);
    out.push(...chunk);
  }
  return Uint8Array.from(out);
}

function headers(auth: PrometheusAuth | undefined): Record<string, string> {
  return auth
    ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` }
    : {};
}

/** Sends samples to `<url>/api/v1/write`; returns the HTTP status and body. */
export async function remoteWrite(
  url: string,
  auth: PrometheusAuth | undefined,
  samples: readonly Sample[],
): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}/api/v1/write`, {
    method: 'POST',
    headers: {
      ...headers(auth),
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
    },
    body: snappyLiteralBlock(encodeWriteRequest(samples)),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.text() };
}

/** An instant query; `values` holds each series' value (by its labels' JSON). */
export async function instantQuery(
  url: string,
  auth: PrometheusAuth | undefined,
  query: string,
  timeMs?: number,
): Promise<{ status: number; values: number[]; body: string }> {
  const params = new URLSearchParams({ query });
  if (timeMs !== undefined) params.set('time', String(timeMs / 1000));
  const response = await fetch(`${url}/api/v1/query?${params.toString()}`, {
    headers: headers(auth),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.text();
  let values: number[] = [];
  if (response.ok) {
    const parsed = JSON.parse(body) as { data?: { result?: Array<{ value?: [number, string] }> } };
    values = (parsed.data?.result ?? []).map((r) => Number(r.value?.[1]));
  }
  return { status: response.status, values, body };
}

/** Any request, for attack tests; returns the status. */
export async function requestStatus(
  url: string,
  auth: PrometheusAuth | undefined,
  method = 'GET',
): Promise<number> {
  const response = await fetch(url, { method, headers: headers(auth), signal: AbortSignal.timeout(10_000) });
  await response.body?.cancel();
  return response.status;
}
