import { createServer } from 'node:net';

function listenOnEphemeralPort(host: string): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : 0,
        close: () => new Promise((r) => srv.close(() => r())),
      });
    });
  });
}

/** Several distinct free ports; all are held open together so none repeats. */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const held = await Promise.all(Array.from({ length: n }, () => listenOnEphemeralPort(host)));
  await Promise.all(held.map((s) => s.close()));
  return held.map((s) => s.port);
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [port] = await freePorts(1, host);
  return port ?? 0;
}
