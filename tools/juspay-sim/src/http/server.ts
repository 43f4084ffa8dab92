import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { apiKeyAccepted } from "./auth.js";
import { parseBody, type Fields } from "./body.js";
import { JuspayError, accessDenied, invalidRequest } from "./errors.js";
import type { Fault, FaultPlan } from "./faults.js";
import { getContentTypeProblem } from "./get-content-type.js";

// The HTTP front of the simulator: routing, auth, body parsing, Juspay error
// rendering, request counting and fault injection. Handlers get a parsed
// request and return a status and a JSON body.

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Form fields or flattened JSON, keys as sent (dotted). */
  fields: Fields;
  /** Path parameters, e.g. { orderId } for /orders/:orderId. */
  params: Record<string, string>;
}

export interface SimResponse {
  status?: number;
  /** Serialized as JSON unless it is a string. */
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  /** Stable name used by counters and fault rules, e.g. "order_status". */
  name: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path pattern with :params, e.g. "/orders/:orderId/refunds". */
  path: string;
  /** "api_key": Juspay Basic auth; "none": open (the SDK side, admin). */
  auth: "api_key" | "none";
  /** Admin route (/__admin/…): not counted, never faulted, body left unparsed (the handler reads rawBody as JSON). */
  admin?: boolean;
  handler: (req: SimRequest) => SimResponse | Promise<SimResponse>;
}

export interface HttpServerOptions {
  routes: Route[];
  apiKey: string;
  merchantId: string;
  faults: FaultPlan;
  /** Called for every routed request, before faults and auth. */
  onRequest?: (route: Route, req: SimRequest) => void;
  /** Called for every request no route took (answered 404). */
  onUnrouted?: (method: string, path: string) => void;
  maxBodyBytes?: number;
  /** Refuse an API (api_key) GET without a documented Content-Type (default true; see get-content-type.ts). */
  requireGetContentType?: boolean;
}

export interface HttpServer {
  listen(port: number, host: string): Promise<{ port: number; host: string }>;
  close(): Promise<void>;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  // Compiled lazily: the simulator fills `routes` after the server exists.
  let compiled: CompiledRoute[] = [];
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { status: "error", error_code: "internal_error", error_message: String(err) });
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Parsed as a URL, as an HTTP front does: dot segments (also %2E) are
    // resolved before routing, so no id in a path is ever "." or "..".
    const url = new URL(req.url ?? "/", "http://sim");
    const method = (req.method ?? "GET").toUpperCase();
    let match: ReturnType<typeof findRoute>;
    try {
      match = findRoute(method, url.pathname);
    } catch (err) {
      if (!(err instanceof URIError)) throw err;
      const bad = invalidRequest("bad_request", "Malformed percent-encoding in the request path");
      send(res, bad.httpStatus, bad.body);
      return;
    }
    let rawBody: Buffer;
    try {
      rawBody = await readBody(req, maxBody);
    } catch (err) {
      if (!(err instanceof JuspayError)) throw err;
      send(res, err.httpStatus, err.body);
      return;
    }
    if (!match) {
      options.onUnrouted?.(method, url.pathname);
      send(res, 404, { status: "error", error_code: "not_found", error_message: `No route for ${method} ${url.pathname}` });
      return;
    }
    const request: SimRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      fields: {},
      params: match.params,
    };
    const admin = match.route.admin === true;
    if (!admin) options.onRequest?.(match.route, request);
    const fault = admin ? undefined : options.faults.take(match.route.name, url.pathname);
    if (fault && (await applyBeforeFault(fault, res))) return;

    let status: number;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      if (match.route.auth === "api_key" && !apiKeyAccepted(req.headers, options.apiKey, options.merchantId)) throw accessDenied();
      if (match.route.auth === "api_key" && method === "GET" && options.requireGetContentType !== false) {
        const problem = getContentTypeProblem(req.headers);
        if (problem) throw problem;
      }
      if (!admin) request.fields = parseBody(req.headers["content-type"], rawBody);
      const result = await match.route.handler(request);
      status = result.status ?? 200;
      body = result.body;
      headers = result.headers ?? {};
    } catch (err) {
      if (!(err instanceof JuspayError)) throw err;
      status = err.httpStatus;
      body = err.body;
    }
    if (fault && applyAfterFault(fault, res, status, body)) return;
    send(res, status, body, headers);
  }

  function findRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    if (compiled.length !== options.routes.length) compiled = options.routes.map(compile);
    for (const c of compiled) {
      if (c.route.method !== method) continue;
      const m = c.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      c.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
      return { route: c.route, params };
    }
    return undefined;
  }

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address() as AddressInfo;
          resolve({ port: address.port, host: address.address });
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        // Hanging requests (fault "hang") would keep the server open forever.
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

/** Faults that replace the handler. Returns true when the response is taken care of. */
async function applyBeforeFault(fault: Fault, res: ServerResponse): Promise<boolean> {
  switch (fault.kind) {
    case "latency":
      await sleep(fault.ms);
      return false;
    case "status":
      if (fault.body === "html") {
        res.writeHead(fault.status, { "content-type": "text/html" });
        res.end(`<html><head><title>${fault.status}</title></head><body><h1>${fault.status} Error</h1></body></html>`);
      } else {
        send(res, fault.status, { status: "error", error_code: "internal_error", error_message: `Simulated HTTP ${fault.status}` });
      }
      return true;
    case "rate_limit":
      send(res, 429, { status: "error", error_code: "too_many_requests", error_message: "Rate limit exceeded" }, {
        "retry-after": String(fault.retryAfterSeconds),
      });
      return true;
    case "hang":
      // Accept the request and never answer (the handler runs first when afterHandler is set).
      return !fault.afterHandler;
    default:
      return false;
  }
}

/** Faults applied after the handler ran. Returns true when the response is taken care of. */
function applyAfterFault(fault: Fault, res: ServerResponse, status: number, body: unknown): boolean {
  switch (fault.kind) {
    case "hang":
      return true;
    case "reset": {
      const text = serialize(body);
      res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) });
      res.write(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      // Let the partial body leave, then drop the connection.
      setImmediate(() => res.socket?.destroy());
      return true;
    }
    case "malformed_json":
      res.writeHead(200, { "content-type": "application/json" });
      res.end(serialize(body).slice(0, -7) || "{");
      return true;
    default:
      return false;
  }
}

function serialize(body: unknown): string {
  return typeof body === "string" ? body : JSON.stringify(body);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = serialize(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json", ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new JuspayError(413, { status: "error", error_code: "request_too_large", error_message: "Request body too large" });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
