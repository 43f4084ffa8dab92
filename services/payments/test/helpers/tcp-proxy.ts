import { createServer, connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

// A TCP proxy in front of a server (Postgres): "stopping" it drops every
// connection and refuses new ones, the way a database restart looks to the
// service, without touching the real server other tests share.

export interface TcpProxy {
  port: number;
  /** Drops open connections and refuses new ones until start(). */
  stop(): void;
  start(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let up = true;
  const server = createServer((client) => {
    if (!up) return client.destroy();
    const upstream = connect(targetPort, targetHost);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop() {
      up = false;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    start() {
      up = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
