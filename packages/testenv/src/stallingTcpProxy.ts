import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

/**
 * A loopback TCP proxy that can stall: the realistic hang of a network path, where connections
 * stay open and nothing arrives. While stalled it reads nothing from either side, so bytes sent
 * stay "in the network" (the kernel buffers of this proxy), exactly as many as TCP lets a sender
 * push out. When released it delivers them, then a close (FIN) that came after them. A reset
 * (RST) is passed on as a reset, and what the proxy had not delivered of that connection is lost,
 * as a peer's kernel drops unread bytes on a reset.
 */
export interface StallingTcpProxy {
  /** Port on 127.0.0.1. */
  port: number;
  /** Stops forwarding in both directions, on open and new connections, without closing anything. */
  stall(): void;
  /** Resumes forwarding. */
  release(): void;
  /** Connections currently open through the proxy. */
  connections(): number;
  close(): Promise<void>;
}

export async function startStallingTcpProxy(target: {
  host: string;
  port: number;
}): Promise<StallingTcpProxy> {
  let stalled = false;
  const sockets = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();

  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => to.write(chunk));
    from.on('end', () => to.end());
    // An error here is a reset (or a failed connect): the other side gets a reset too.
    from.on('error', () => to.resetAndDestroy());
    from.on('close', () => {
      sockets.delete(from);
      if (!to.destroyed && !to.writableEnded) to.destroy();
    });
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    const upstream = connect({ host: target.host, port: target.port });
    sockets.add(client);
    sockets.add(upstream);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.once('close', () => pairs.delete(pair));
    forward(client, upstream);
    forward(upstream, client);
    if (stalled) upstream.pause();
    else client.resume();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');

  return {
    port: address.port,
    stall() {
      stalled = true;
      for (const s of sockets) s.pause();
    },
    release() {
      stalled = false;
      for (const s of sockets) s.resume();
    },
    connections: () => pairs.size,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
