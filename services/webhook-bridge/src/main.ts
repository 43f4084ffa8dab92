import { loadOrExit } from "@payments/env-config";
import { loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startBridge } from "./server.js";

// Process entry point: configuration, the HTTP listener, and a graceful
// shutdown on SIGTERM/SIGINT.


async function main(): Promise<void> {
  const config = loadOrExit("webhook-bridge", () => loadConfig());
  const logger = createLogger(config.logLevel);
  const bridge = await startBridge(config, { logger });
  logger.info(
    { address: `${bridge.address.host}:${bridge.address.port}`, payments: config.paymentsUrl, credentialPairs: config.credentials.length, requiredHeader: config.requiredHeader?.name },
    "webhook bridge listening",
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, "shutting down: finishing in-flight webhooks");
    await bridge.shutdown();
    logger.info({ counters: bridge.counters }, "stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err: unknown) => {
  process.stderr.write(`webhook-bridge: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
