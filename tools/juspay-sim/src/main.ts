import { parseArgs } from "node:util";
import type { SimulatorOptions } from "./context.js";
import { DEFAULT_OPTIONS, startSimulator, type Simulator } from "./simulator.js";
import { checkHeader, checkUrl } from "./webhooks/settings.js";

// `npx juspay-sim`: parse flags (bad values → exit 2), start the simulator,
// print the effective settings and the route table, and close gracefully on
// SIGINT/SIGTERM (the state file is saved by close()).

const USAGE = `Usage: juspay-sim [options]

A stateful simulator of Juspay's payment APIs, SDK side and webhooks.

Options:
  --port <n>                 port to listen on (default ${DEFAULT_OPTIONS.port}; 0 picks a free one)
  --host <address>           interface to listen on (default ${DEFAULT_OPTIONS.host})
  --api-key <key>            API key clients send as the Basic-auth user name (default ${DEFAULT_OPTIONS.apiKey})
  --merchant-id <id>         merchant id (x-merchantid) (default ${DEFAULT_OPTIONS.merchantId})
  --client-id <id>           payment_page_client_id in SDK payloads (default ${DEFAULT_OPTIONS.clientId})
  --webhook-url <url>        where webhooks are POSTed (default: none; events are only logged)
  --webhook-username <user>  Basic-auth user name sent with webhooks
  --webhook-password <pass>  Basic-auth password sent with webhooks
  --webhook-header <n:v>     custom header sent with webhooks (repeatable)
  --time-scale <x>           simulated seconds per real second (default ${DEFAULT_OPTIONS.timeScale}; 3600 = a day in 24 s)
  --state-file <path>        JSON file the state is loaded from at start and saved to
  --lenient-get-content-type accept API GETs without Content-Type (Juspay documents it as required)
  --serve-execution-status-path
                             answer GET /txns/v2/orders/:id with the order's status (default: 404, as
                             Juspay answers a path it does not have)
  --implicit-customers       a mandate for an unknown customer_id creates the customer (Juspay's
                             "internal enablement"); default: refused, the customer must be created first
  -h, --help                 show this help

Admin API: http://<host>:<port>/__admin/ (see tools/juspay-sim/README.md).
`;

class UsageError extends Error {}

function parseCli(argv: string[]): Partial<SimulatorOptions> | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "api-key": { type: "string" },
        "merchant-id": { type: "string" },
        "client-id": { type: "string" },
        "webhook-url": { type: "string" },
        "webhook-username": { type: "string" },
        "webhook-password": { type: "string" },
        "webhook-header": { type: "string", multiple: true },
        "time-scale": { type: "string" },
        "state-file": { type: "string" },
        "lenient-get-content-type": { type: "boolean" },
        "serve-execution-status-path": { type: "boolean" },
        "implicit-customers": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return "help";

  const problems: string[] = [];
  const options: Partial<SimulatorOptions> = {};
  const text = (flag: string, value: string | undefined, set: (v: string) => void): void => {
    if (value === undefined) return;
    if (value.trim() === "") problems.push(`--${flag} must not be empty`);
    else set(value);
  };
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) problems.push(`--port must be an integer 0..65535, got ${JSON.stringify(values.port)}`);
    else options.port = port;
  }
  if (values["time-scale"] !== undefined) {
    const scale = Number(values["time-scale"]);
    if (values["time-scale"].trim() === "" || !Number.isFinite(scale) || scale <= 0) problems.push(`--time-scale must be a number > 0, got ${JSON.stringify(values["time-scale"])}`);
    else options.timeScale = scale;
  }
  text("host", values.host, (v) => (options.host = v));
  text("api-key", values["api-key"], (v) => (options.apiKey = v));
  text("merchant-id", values["merchant-id"], (v) => (options.merchantId = v));
  text("client-id", values["client-id"], (v) => (options.clientId = v));
  text("state-file", values["state-file"], (v) => (options.stateFile = v));
  text("webhook-username", values["webhook-username"], (v) => (options.webhookUsername = v));
  text("webhook-password", values["webhook-password"], (v) => (options.webhookPassword = v));
  text("webhook-url", values["webhook-url"], (v) => {
    const problem = checkUrl(v);
    if (problem) problems.push(`--webhook-url: ${problem}`);
    else options.webhookUrl = v;
  });
  if (values["lenient-get-content-type"]) options.requireGetContentType = false;
  if (values["serve-execution-status-path"]) options.serveExecutionStatusPath = true;
  if (values["webhook-header"]) {
    options.webhookHeaders = {};
    for (const header of values["webhook-header"]) {
      const colon = header.indexOf(":");
      const name = header.slice(0, colon).trim();
      const value = header.slice(colon + 1).trim();
      const problem = colon < 0 ? `expected name:value, got ${JSON.stringify(header)}` : checkHeader(name, value);
      if (problem) problems.push(`--webhook-header: ${problem}`);
      else options.webhookHeaders[name] = value;
    }
  }
  if (values["implicit-customers"]) options.implicitCustomers = true;
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return options;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => "  " + r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

function banner(sim: Simulator): string {
  const o = sim.options;
  const headerNames = Object.keys(o.webhookHeaders);
  const settings = table([
    ["api key", `${o.apiKey}  (Basic auth user name, empty password)`],
    ["merchant id", o.merchantId],
    ["client id", o.clientId],
    ["webhook url", o.webhookUrl ?? "(none: events are logged, not sent)"],
    // Never print the webhook password or header values (they may be secrets).
    ["webhook auth", o.webhookUsername !== undefined || o.webhookPassword !== undefined ? `${o.webhookUsername ?? ""} / ${o.webhookPassword ? "********" : "(no password)"}` : "(none)"],
    ["webhook headers", headerNames.length > 0 ? headerNames.map((n) => `${n}: ***`).join(", ") : "(none)"],
    ["time scale", `${o.timeScale} simulated s per real s`],
    ["state file", o.stateFile ?? "(none: state is kept in memory)"],
    ["GET Content-Type", o.requireGetContentType ? "required (as Juspay documents)" : "optional (--lenient-get-content-type)"],
    ["/txns/v2/orders/:id", o.serveExecutionStatusPath ? "served (--serve-execution-status-path)" : "404 (no public Juspay source has it)"],
    ["customers", o.implicitCustomers ? "implicit (a mandate creates an unknown customer)" : "strict (a mandate needs a created customer)"],
  ]);
  const routes = table([["METHOD", "PATH", "NAME"], ...sim.routes.map((r) => [r.method, r.path, r.name])]);
  return `juspay-sim: Juspay API simulator\n\n${settings}\n\nRoutes:\n${routes}\n\njuspay-sim listening on ${sim.url}`;
}

async function main(argv: string[]): Promise<void> {
  let overrides: Partial<SimulatorOptions> | "help";
  try {
    overrides = parseCli(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`juspay-sim: ${err.message.split("\n").join("\njuspay-sim: ")}\nRun juspay-sim --help for usage.`);
    process.exitCode = 2;
    return;
  }
  if (overrides === "help") {
    console.log(USAGE);
    return;
  }

  let sim: Simulator;
  try {
    sim = await startSimulator(overrides);
  } catch (err) {
    console.error(`juspay-sim: cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
    return;
  }
  console.log(banner(sim));

  let stopping = false;
  const stop = (signal: string): void => {
    // A second signal while closing is usual, not an emergency: Ctrl-C on `npm start` reaches the
    // simulator from the terminal and again from npm start. Exiting on it lost the state file; the
    // safety net below already bounds how long closing may take.
    if (stopping) {
      console.log(`juspay-sim: ${signal} while shutting down, still saving state`);
      return;
    }
    stopping = true;
    console.log(`juspay-sim: ${signal}, shutting down`);
    sim.close().then(
      () => console.log(`juspay-sim stopped${sim.options.stateFile ? ` (state saved to ${sim.options.stateFile})` : ""}`),
      (err: unknown) => {
        console.error(`juspay-sim: close failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      },
    );
    // Safety net: exit even if something still holds the event loop open.
    setTimeout(() => process.exit(), 3000).unref();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

await main(process.argv.slice(2));
