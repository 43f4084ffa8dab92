import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../logger.js";
import type { ServiceMetrics } from "./metrics-registry.js";

// GET /metrics on its own port (METRICS_HOST/METRICS_PORT), apart from the
// RPC port: Prometheus needs no caller token, the RPC port's admission and
// auth never see scrapes, and a network policy can open one port to the
// monitoring namespace without opening the other. Plain HTTP/1.1, nothing
// else is served.

export const METRICS_PATH = "/metrics";

export interface MetricsServer {
  readonly address: { host: string; port: number };
  close(): Promise<void>;
}

export async function startMetricsServer(metrics: ServiceMetrics, options: { host: string; port: number; logger: Logger }): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== METRICS_PATH) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: metrics are at /metrics\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    metrics.render().then(
      (text) => {
        res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
        res.end(req.method === "HEAD" ? undefined : text);
      },
      (err: unknown) => {
        options.logger.error({ err: err instanceof Error ? err.message : String(err) }, "metrics could not be rendered");
        res.writeHead(500, { "content-type": "text/plain" }).end("metrics unavailable\n");
      },
    );
  });
  // Scrapers reconnect every interval; no reason to keep idle sockets around.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    address: { host: options.host, port: bound.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
