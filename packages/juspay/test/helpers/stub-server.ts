import http from "node:http";
import type { AddressInfo } from "node:net";

// A tiny local HTTP server for wire-format checks (headers, encodings, the
// /v4 routing): records every request and answers with a programmable reply.

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface StubReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface StubServer {
  url: string;
  requests: RecordedRequest[];
  reply: (req: RecordedRequest) => StubReply | Promise<StubReply>;
  close(): Promise<void>;
}

export async function startStubServer(reply: (req: RecordedRequest) => StubReply | Promise<StubReply> = () => ({ body: {} })): Promise<StubServer> {
  const stub: StubServer = { url: "", requests: [], reply, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const recorded: RecordedRequest = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      stub.requests.push(recorded);
      const answer = await stub.reply(recorded);
      const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? {});
      res.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = () => new Promise((resolve) => server.close(() => resolve()));
  return stub;
}
