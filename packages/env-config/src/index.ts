// Configuration from the environment, shared by the deployables (the payments
// service, the webhook bridge). Each variable is read through an EnvReader
// that records a problem per bad value, by name and never with a secret, so a
// misconfigured deployment fails once with the whole list (ConfigError, exit
// EXIT_CONFIG) instead of crashing later.

/** EX_CONFIG from sysexits.h: the configuration is wrong, retrying won't help. */
export const EXIT_CONFIG = 78;

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads variables, recording a problem (never the secret value) for each bad one. */
export class EnvReader {
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

  /**
   * An http(s) URL without a trailing slash; required unless `fallback` is
   * given. Credentials in it are refused without echoing the value (it is a
   * secret then); `credentialsAdvice` says what to use instead.
   */
  url(name: string, fallback?: string, credentialsAdvice?: string): string {
    const value = fallback === undefined ? this.string(name) : (this.optional(name) ?? fallback);
    if (value === "") return value;
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error("scheme");
      if (parsed.username || parsed.password) this.problem(name, `must not contain credentials${credentialsAdvice ? ` (${credentialsAdvice})` : ""}`);
    } catch {
      this.problem(name, "must be an http:// or https:// URL");
    }
    return value.replace(/\/+$/, "");
  }
}

/**
 * The configuration `load` reads, or, when it reports problems, those
 * problems on stderr (prefixed by the program's name) and exit status
 * EXIT_CONFIG: every entry point handles a bad configuration the same way.
 */
export function loadOrExit<T>(program: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${program}: ${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}
