import http2 from "node:http2";
import type { ConnectionLimits } from "../config.js";

// Timeouts for one HTTP/2 session (ADR 0023). Node gives HTTP/2 none of
// HTTP/1.1's header or request timers, and a byte-based idle timeout would
// cut a quiet server stream (WatchOrder on an order that does not change,
// StreamPaymentEvents with no events). So the rules follow streams, not bytes:
// - a session with no open stream is closed after the idle timeout (before
//   its first stream, after the headers timeout): a peer that sent only the
//   preface, or trickles a header block, never opens a stream;
// - each stream's request side (headers and body) must end within the request
//   timeout, else the stream is reset; its response may run as long as it needs;
// - the peer is pinged every keep-alive interval while the session lives: one
//   that does not answer before the next ping is due is gone (or stuck) and
//   its session is destroyed, open streams and all.

export function applySessionRules(session: http2.ServerHttp2Session, limits: ConnectionLimits): void {
  let openStreams = 0;
  let served = false;
  let idle: NodeJS.Timeout | undefined;
  // destroy, not close: it too sends GOAWAY (nothing is in flight), and then
  // closes the socket instead of waiting for a peer that may never close its side.
  const armIdle = () => {
    idle = setTimeout(() => session.destroy(), served ? limits.idleTimeoutMs : limits.headersTimeoutMs);
  };
  armIdle();

  session.on("stream", (stream) => {
    served = true;
    openStreams++;
    clearTimeout(idle);
    const requestDeadline = setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), limits.requestTimeoutMs);
    // 'end': the peer ended its side (END_STREAM) and the handler read it all.
    stream.once("end", () => clearTimeout(requestDeadline));
    stream.once("close", () => {
      clearTimeout(requestDeadline);
      openStreams--;
      if (openStreams === 0 && !session.closed && !session.destroyed) armIdle();
    });
  });

  let awaitingPong = false;
  const keepAlive = setInterval(() => {
    if (session.destroyed) return;
    if (awaitingPong) return session.destroy();
    awaitingPong = true;
    session.ping((err) => {
      if (err === null) awaitingPong = false;
    });
  }, limits.keepAliveIntervalMs);

  session.once("close", () => {
    clearTimeout(idle);
    clearInterval(keepAlive);
  });
}
