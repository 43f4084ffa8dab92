import net from "node:net";

// Raw clients that misbehave on purpose (slow, silent, deaf), for the RPC
// port's timeouts: bytes written by hand, HTTP/2 frames included, so nothing
// in a client library answers or gives up on the test's behalf.

/** Resolves true once the socket closes, false if it is still open after `ms` (a generous bound, far above the configured timeout). */
export function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Writes `next()` every `everyMs` until the socket closes; returns a stop function. */
export function trickle(socket: net.Socket, next: () => string | Buffer, everyMs: number): () => void {
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(next());
  }, everyMs);
  socket.once("close", () => clearInterval(timer));
  return () => clearInterval(timer);
}

/** Everything the peer sent, as text (for HTTP/1.1 answers). */
export function received(socket: net.Socket): () => string {
  let text = "";
  socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
  socket.on("error", () => undefined);
  return () => text;
}

export const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export const FRAME = { DATA: 0x0, HEADERS: 0x1, RST_STREAM: 0x3, SETTINGS: 0x4, PING: 0x6, GOAWAY: 0x7, CONTINUATION: 0x9 } as const;
export const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 } as const;

export function h2Frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

/** An HPACK block of literal fields with new names, not indexed (no table state); names and values under 127 bytes. */
export function hpackLiterals(headers: [string, string][]): Buffer {
  return Buffer.concat(headers.flatMap(([name, value]) => [Buffer.from([0x00, name.length]), Buffer.from(name), Buffer.from([value.length]), Buffer.from(value)]));
}

/** The client preface and an empty SETTINGS frame: what an HTTP/2 client must send first. */
export const H2_CLIENT_START = Buffer.concat([H2_PREFACE, h2Frame(FRAME.SETTINGS, 0, 0)]);

/**
 * The HTTP/2 frames the peer sends (type and stream), in order. With
 * answerPings the client acknowledges every PING, as a live HTTP/2 client
 * does; without, it is deaf.
 */
export function receivedFrames(socket: net.Socket, options: { answerPings: boolean }): () => { type: number; streamId: number }[] {
  const frames: { type: number; streamId: number }[] = [];
  let buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 9) {
      const length = buffer.readUIntBE(0, 3);
      if (buffer.length < 9 + length) break;
      const type = buffer.readUInt8(3);
      const flags = buffer.readUInt8(4);
      frames.push({ type, streamId: buffer.readUInt32BE(5) & 0x7fffffff });
      if (options.answerPings && type === FRAME.PING && (flags & FLAG.ACK) === 0 && !socket.destroyed) {
        socket.write(h2Frame(FRAME.PING, FLAG.ACK, 0, buffer.subarray(9, 9 + length)));
      }
      buffer = buffer.subarray(9 + length);
    }
  });
  socket.on("error", () => undefined);
  return () => frames;
}

export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}
