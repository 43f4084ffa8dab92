import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// A tiny merchant webhook endpoint for tests: records every request and
// answers with scripted statuses ("hang" = never answer), then the fallback.

export type Reply = number | "hang";

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
  /** Real time it arrived, epoch ms. */
  at: number;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Replies for the next requests, in order; then the fallback. */
  script(...replies: Reply[]): void;
  /** Reply when the script is empty (default 200); a function decides per request. */
  fallback(reply: Reply | ((req: Received) => Reply)): void;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(replies: Reply[] = []): Promise<Receiver> {
  const received: Received[] = [];
  const queue = [...replies];
  let fallback: Reply | ((req: Received) => Reply) = 200;
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    void readAll(req).then((body) => {
      const entry: Received = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json: parseJson(body), at: Date.now() };
      received.push(entry);
      for (const waiter of [...waiters]) waiter();
      const reply = queue.length > 0 ? queue.shift()! : typeof fallback === "function" ? fallback(entry) : fallback;
      if (reply === "hang") return;
      res.writeHead(reply, { "content-type": "text/plain" });
      res.end(reply === 200 ? "OK" : `status ${reply}`);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/webhooks/juspay`,
    received,
    script: (...more) => void queue.push(...more),
    fallback: (reply) => void (fallback = reply),
    waitFor(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (received.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(received.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver: ${received.length} of ${count} requests after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
