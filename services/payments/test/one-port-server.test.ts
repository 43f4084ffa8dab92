import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createOnePortServer, type NodeHandlerFn, type OnePortServer } from "../src/transport/one-port-server.js";

// The sniffer and the drain, with plain HTTP handlers over real sockets.

let server: OnePortServer | undefined;
afterEach(async () => {
  await server?.close(0);
  server = undefined;
});

async function serve(handler: NodeHandlerFn) {
  server = createOnePortServer(handler);
  return server.listen("127.0.0.1", 0);
}

const echoVersion: NodeHandlerFn = (req, res) => {
  res.setHeader("content-type", "text/plain");
  res.end(`HTTP/${req.httpVersion}`);
};

function h1Get(port: number, path = "/"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

function h2Get(port: number, path = "/"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const stream = session.request({ ":path": path });
    let status = 0;
    let body = "";
    stream.on("response", (headers) => (status = Number(headers[":status"])));
    stream.on("data", (c: Buffer) => (body += c.toString()));
    stream.on("end", () => {
      session.close();
      resolve({ status, body });
    });
    stream.on("error", reject);
  });
}

describe("one-port server", () => {
  it("routes HTTP/1.1 and HTTP/2 (h2c prior knowledge) on the same port to the same handler", async () => {
    const { port } = await serve(echoVersion);
    expect(await h1Get(port)).toEqual({ status: 200, body: "HTTP/1.1" });
    expect(await h2Get(port)).toEqual({ status: 200, body: "HTTP/2.0" });
  });

  it("waits for enough bytes when the HTTP/2 preface arrives split across packets", async () => {
    const { port } = await serve(echoVersion);
    // An HTTP/1.1 request whose first packet is "P" (a possible preface start).
    const socket = net.connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.setNoDelay(true);
    socket.write("P");
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write("OST / HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    let reply = "";
    for await (const chunk of socket) reply += (chunk as Buffer).toString();
    expect(reply).toMatch(/^HTTP\/1.1 200/);
    expect(reply).toContain("HTTP/1.1");
  });

  it("drains an in-flight request on close, and refuses new connections meanwhile", async () => {
    let release: () => void = () => {};
    const { port } = await serve((_req, res) => {
      release = () => res.end("done");
    });
    const inFlight = h1Get(port);
    await waitFor(() => server!.inFlight() === 1);
    const closing = server!.close(5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(h1Get(port)).rejects.toThrow(/ECONNREFUSED/);
    release();
    expect(await inFlight).toEqual({ status: 200, body: "done" });
    await closing;
    expect(server!.inFlight()).toBe(0);
  });

  it("closes an idle HTTP/1.1 keep-alive connection at once instead of waiting out the grace period", async () => {
    const { port } = await serve(echoVersion);
    const agent = new http.Agent({ keepAlive: true });
    const body = await new Promise<string>((resolve, reject) => {
      http.get({ host: "127.0.0.1", port, agent }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve(text));
      }).on("error", reject);
    });
    expect(body).toBe("HTTP/1.1");
    // The socket stays open in the agent's pool; a 60 s grace would outlive the test's timeout.
    await server!.close(60_000);
    agent.destroy();
  }, 10_000);

  it("cuts requests still running when the grace period ends", async () => {
    const { port } = await serve(() => {
      /* never answers */
    });
    const stuck = h2Get(port);
    await waitFor(() => server!.inFlight() === 1);
    const started = Date.now();
    await server!.close(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    // The stream is reset or ends without a response: never a success.
    const outcome = await stuck.then((r) => r.status, () => "reset");
    expect([0, "reset"]).toContain(outcome);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
