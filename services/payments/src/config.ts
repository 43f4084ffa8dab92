// Service configuration, read once from the environment at start and validated
// as a whole: every bad value is reported with its variable name, so a
// misconfigured deployment fails with one clear message instead of a crash
// later. Secret values are never echoed back.

export type DatabaseConfig =
  | { kind: "postgres"; url: string; poolSize: number }
  | { kind: "pglite"; dataDir: string | undefined };

export interface JuspayConfig {
  baseUrl: string;
  apiKey: string;
  merchantId: string;
  apiVersion: string;
}

export interface Config {
  mode: "development" | "production";
  host: string;
  port: number;
  database: DatabaseConfig;
  juspay: JuspayConfig;
  shutdownGraceMs: number;
  /** Largest request message accepted, in bytes; larger ones get RESOURCE_EXHAUSTED. */
  maxMessageBytes: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Parses and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const mode = read.oneOf("PAYMENTS_ENV", ["development", "production"] as const, "development");
  const host = read.string("HOST", "127.0.0.1");
  const port = read.integer("PORT", 50051, 0, 65535);
  const database = readDatabase(read);
  const juspay: JuspayConfig = {
    baseUrl: read.url("JUSPAY_BASE_URL"),
    apiKey: read.secret("JUSPAY_API_KEY"),
    merchantId: read.pattern("JUSPAY_MERCHANT_ID", /^[A-Za-z0-9_.-]{1,64}$/, "1-64 characters from A-Z a-z 0-9 _ . -"),
    apiVersion: read.pattern("JUSPAY_API_VERSION", /^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD", "2023-06-30"),
  };
  const shutdownGraceMs = read.integer("SHUTDOWN_GRACE_MS", 10_000, 0, 600_000);
  const maxMessageBytes = read.integer("MAX_MESSAGE_BYTES", 256 * 1024, 1024, 64 * 1024 * 1024);
  const logLevel = read.oneOf("LOG_LEVEL", LOG_LEVELS, "info");

  if (mode === "production" && database.kind === "pglite") {
    problems.push("DATABASE_URL: required when PAYMENTS_ENV=production (the embedded PGlite database is for development only)");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { mode, host, port, database, juspay, shutdownGraceMs, maxMessageBytes, logLevel };
}

function readDatabase(read: EnvReader): DatabaseConfig {
  const url = read.optional("DATABASE_URL");
  if (url === undefined) {
    const dataDir = read.string("PGLITE_DATA_DIR", ".data/pglite");
    // "memory" gives a throwaway in-process database (tests, demos).
    return { kind: "pglite", dataDir: dataDir === "memory" ? undefined : dataDir };
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:")) {
    read.problem("DATABASE_URL", "must be a postgres:// or postgresql:// URL");
  }
  return { kind: "postgres", url, poolSize: read.integer("DATABASE_POOL_SIZE", 10, 1, 500) };
}

/** Reads variables, recording a problem (never the secret value) for each bad one. */
class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  problem(name: string, message: string): void {
    this.problems.push(`${name}: ${message}`);
  }

  optional(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  }

  string(name: string, fallback?: string): string {
    const value = this.optional(name) ?? fallback;
    if (value === undefined) {
      this.problem(name, "is required");
      return "";
    }
    return value;
  }

  secret(name: string): string {
    const value = this.optional(name);
    if (value === undefined) this.problem(name, "is required (the value is a secret: set it from your secret store)");
    return value ?? "";
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.problem(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problem(name, `must be one of ${allowed.join(", ")}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  }

  pattern(name: string, re: RegExp, described: string, fallback?: string): string {
    const value = this.string(name, fallback);
    if (value !== "" && !re.test(value)) this.problem(name, `must be ${described}`);
    return value;
  }

  url(name: string): string {
    const value = this.string(name);
    if (value === "") return value;
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error("scheme");
      if (parsed.username || parsed.password) {
        this.problem(name, "must not contain credentials");
      }
    } catch {
      this.problem(name, "must be an http:// or https:// URL");
    }
    return value.replace(/\/+$/, "");
  }
}
