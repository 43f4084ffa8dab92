import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from "node:http2";
import { Code } from "@connectrpc/connect";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import { ErrorDetailSchema } from "@payments/proto/payments/v1/errors_pb";

// Requests as bytes, for fuzzing below any client library: what an attacker
// or a broken client can send, and what exactly comes back.

/** A call's end as the caller sees it. */
export type RawOutcome =
  | { kind: "ok" }
  | { kind: "answered"; code: Code; message: string; hasErrorDetail: boolean }
  /** A stream still open when we stopped reading (a valid, endless server stream). */
  | { kind: "still-streaming" }
  /** Nothing at all yet when we stopped waiting (a server stream sends its headers with its first message). */
  | { kind: "silent" }
  /** The connection or stream was dropped, or the answer was not a well-formed RPC answer. */
  | { kind: "broken"; why: string };

/** A gRPC frame: flags, 4-byte length, the bytes. */
export function grpcFrame(bytes: Uint8Array, flags = 0): Buffer {
  const frame = Buffer.alloc(5 + bytes.byteLength);
  frame[0] = flags;
  frame.writeUInt32BE(bytes.byteLength, 1);
  frame.set(bytes, 5);
  return frame;
}

function grpcStatusOf(trailers: IncomingHttpHeaders): RawOutcome {
  const status = trailers["grpc-status"];
  if (typeof status !== "string") return { kind: "broken", why: "no grpc-status" };
  const headers = new Headers();
  for (const [key, value] of Object.entries(trailers)) if (!key.startsWith(":") && typeof value === "string") headers.set(key, value);
  const error = findTrailerError(headers);
  if (error === undefined) return { kind: "ok" };
  return { kind: "answered", code: error.code, message: error.rawMessage, hasErrorDetail: error.details.some((d) => ("desc" in d ? d.desc.typeName : d.type) === ErrorDetailSchema.typeName) };
}

/** Sends `body` as is to a gRPC path over HTTP/2 and reads the status (a stream open after `streamMs` is left). */
export function rawGrpcCall(session: ClientHttp2Session, path: string, body: Uint8Array, token: string, streamMs = 300): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const req = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", authorization: `Bearer ${token}` });
    let headers: IncomingHttpHeaders | undefined;
    let settled = false;
    const done = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      req.close(constants.NGHTTP2_CANCEL);
      done(Number(headers?.[":status"]) === 200 ? { kind: "still-streaming" } : { kind: "silent" });
    }, streamMs);
    req.on("response", (h) => {
      headers = h;
      // Trailers-only answer: the status is in the headers.
      if (h["grpc-status"] !== undefined) done(grpcStatusOf(h));
    });
    req.on("trailers", (t) => done(grpcStatusOf(t)));
    req.on("data", () => {});
    req.on("error", (err) => done({ kind: "broken", why: `stream error ${err.message}` }));
    req.on("close", () => done(req.rstCode && req.rstCode !== constants.NGHTTP2_NO_ERROR ? { kind: "broken", why: `reset ${req.rstCode}` } : { kind: "broken", why: "closed without a status" }));
    req.end(Buffer.from(body));
  });
}

/** An HTTP/2 connection that can send large requests (Node's default session memory, 10 MB, would reset the stream on our side first). */
export function openSession(baseUrl: string): ClientHttp2Session {
  const session = connect(baseUrl, { maxSessionMemory: 64 });
  session.on("error", () => {});
  return session;
}

const CONNECT_CODES: Record<string, Code> = Object.fromEntries(
  Object.entries(Code)
    .filter(([, v]) => typeof v === "number")
    .map(([k, v]) => [k.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? c.toLowerCase() : `_${c.toLowerCase()}`)), v as Code]),
);

function connectError(json: unknown): RawOutcome {
  const body = json as { code?: string; message?: string; details?: { type?: string }[] };
  const code = body.code === undefined ? undefined : CONNECT_CODES[body.code];
  if (code === undefined) return { kind: "broken", why: `no Connect error code in ${JSON.stringify(json).slice(0, 100)}` };
  return { kind: "answered", code, message: body.message ?? "", hasErrorDetail: (body.details ?? []).some((d) => d.type === ErrorDetailSchema.typeName) };
}

/** Sends `body` to a Connect path over HTTP/1.1 (unary: as the message; streaming: as the enveloped stream) and reads the outcome. */
export async function rawConnectCall(baseUrl: string, path: string, contentType: string, body: Uint8Array, token: string, streamMs = 300): Promise<RawOutcome> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), streamMs);
  try {
    const res = await fetch(`${baseUrl}${path}`, { method: "POST", headers: { "content-type": contentType, authorization: `Bearer ${token}` }, body, signal: abort.signal });
    const bytes = Buffer.from(await res.arrayBuffer());
    if (!contentType.startsWith("application/connect+")) {
      if (res.status === 200) return { kind: "ok" };
      return connectError(JSON.parse(bytes.toString("utf8")));
    }
    if (res.status !== 200) return connectError(JSON.parse(bytes.toString("utf8")));
    // The last envelope of a Connect stream (flag 2) says how it ended.
    let offset = 0;
    let end: unknown;
    while (offset + 5 <= bytes.length) {
      const length = bytes.readUInt32BE(offset + 1);
      if ((bytes[offset]! & 2) === 2) end = JSON.parse(bytes.subarray(offset + 5, offset + 5 + length).toString("utf8"));
      offset += 5 + length;
    }
    if (end === undefined) return { kind: "broken", why: "stream ended without an end-of-stream message" };
    const error = (end as { error?: unknown }).error;
    return error === undefined ? { kind: "ok" } : connectError(error);
  } catch (err) {
    if (abort.signal.aborted) return { kind: "still-streaming" };
    return { kind: "broken", why: `request failed: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}
