import http from "node:http";
import net from "node:net";
import { Juspay } from "expresscheckout-nodejs";

// Juspay's official Node SDK (expresscheckout-nodejs 1.0.0), the baseline P4
// sets our service against. It is AGPL-3.0: the benchmark only runs it from
// node_modules in its own load process; nothing of it is copied or shipped.
//
// Against the plain-HTTP simulator the SDK as published cannot connect, for
// two reasons in its JuspayResource.makeServiceCall:
// - it picks plain http with `fullPath.protocol === 'http'`, never true (a
//   URL's protocol is 'http:'), so it always calls https.request and, for a
//   new socket, writes the request only on 'secureConnect';
// - it passes `host: fullPath.host`, which carries the port, so any base URL
//   with an explicit port fails DNS (getaddrinfo ENOTFOUND 127.0.0.1:8090).
// It also builds a new keep-alive agent per request unless `opts.agent` is
// given (a new connection, and a TLS handshake, for every call); its public
// methods never pass one. The least invasive way in: call the resource's own
// makeServiceCall with exactly the arguments Order.status and Order.refund
// pass, plus `opts.agent`: one keep-alive agent whose sockets are plain TCP
// (protocol 'https:' so https.request accepts it, the port stripped from the
// host, 'secureConnect' emitted on connect). Everything else (headers, Basic
// auth, form encoding, response parsing into an object) is the SDK's.
//
// Order.refund lists only JWE auth (`auth: ['JWE']`), but with the default
// auth priority its decider falls back to Basic when no JWE keys are set, so
// a refund goes out as our service sends it: POST /orders/{id}/refunds, Basic,
// form-encoded. Its logger (winston to logs/juspay-sdk.log, info level) is
// replaced by the SDK's own silent logger, as its README shows.

class PlainTcpAgent extends http.Agent {
  constructor() {
    super({ keepAlive: true, maxSockets: 1 });
    // https.request refuses an agent whose protocol is not 'https:'.
    (this as unknown as { protocol: string }).protocol = "https:";
  }

  override createConnection(options: net.NetConnectOpts): net.Socket {
    const tcp = options as net.TcpNetConnectOpts;
    const socket = net.createConnection({ ...tcp, host: String(tcp.host).replace(/:\d+$/, "") });
    socket.once("connect", () => socket.emit("secureConnect"));
    return socket;
  }
}

type ServiceCall = (args: Record<string, unknown>) => Promise<Record<string, unknown>>;

export interface SdkOrders {
  /** GET /orders/{id} as Order.status(orderId) sends it (Basic auth). */
  status(orderId: string): Promise<Record<string, unknown>>;
  /** POST /orders/{id}/refunds as Order.refund(orderId, body) sends it (Basic auth: no JWE keys). */
  refund(orderId: string, body: { unique_request_id: string; amount: string }): Promise<Record<string, unknown>>;
  close(): void;
}

export function sdkOrders(baseUrl: string, apiKey: string, merchantId: string, timeoutMs: number): SdkOrders {
  Juspay.customLogger = () => Juspay.silentLogger;
  const juspay = new Juspay({ apiKey, merchantId, baseUrl, timeout: timeoutMs });
  const agent = new PlainTcpAgent();
  // makeServiceCall is protected in the SDK's typings, public at run time.
  const makeServiceCall = (juspay.order as unknown as { makeServiceCall: ServiceCall }).makeServiceCall.bind(juspay.order);
  return {
    status: (orderId) =>
      makeServiceCall({
        method: "GET",
        path: `/orders/${orderId}`,
        query: { order_id: orderId },
        auth: ["JWE", "BASIC"],
        opts: { authPriority: "ordered", jwePath: "/v4/order-status", agent },
      }),
    refund: (orderId, body) => makeServiceCall({ method: "POST", path: `/orders/${orderId}/refunds`, body, auth: ["JWE"], opts: { agent } }),
    close: () => agent.destroy(),
  };
}
