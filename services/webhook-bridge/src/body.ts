import type { IncomingMessage } from "node:http";

// Reads a request body with a hard size limit and an idle timeout, without
// parsing it. A declared Content-Length over the limit is refused before a
// byte is read; otherwise bytes are counted as they stream in (chunked bodies
// or a Content-Length the parser has not checked yet), and reading stops at
// the first byte over the limit.

export class BodyError extends Error {
  constructor(readonly kind: "too_large" | "timeout" | "aborted") {
    super(`request body ${kind}`);
    this.name = "BodyError";
  }
}

/** True when the request declares a body larger than maxBytes. */
export function declaredTooLarge(req: IncomingMessage, maxBytes: number): boolean {
  const header = req.headers["content-length"];
  if (header === undefined) return false;
  const declared = Number(header);
  return !Number.isSafeInteger(declared) || declared > maxBytes;
}

export interface BodyLimits {
  maxBytes: number;
  /** Longest pause between two chunks before the read fails with "timeout". */
  idleTimeoutMs: number;
}

export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: BodyError | undefined) => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("aborted", onAborted).off("close", onClose).off("error", onAborted);
      if (err) {
        // Stop pulling bytes from the client; the caller answers and closes.
        req.pause();
        reject(err);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(new BodyError("timeout")), limits.idleTimeoutMs);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) return finish(new BodyError("too_large"));
      chunks.push(chunk);
      arm();
    };
    const onEnd = () => finish(undefined);
    const onAborted = () => finish(new BodyError("aborted"));
    const onClose = () => {
      if (!req.complete) finish(new BodyError("aborted"));
    };
    req.on("data", onData).on("end", onEnd).on("aborted", onAborted).on("close", onClose).on("error", onAborted);
    arm();
  });
}
