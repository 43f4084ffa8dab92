import { readFileSync } from "node:fs";
import type { EnvReader } from "@payments/env-config";
import type { AdmissionLimits } from "../rpc/admission.js";
import type { TlsSettings } from "../transport/tls-server.js";
import { parseCallers, type Caller } from "./callers.js";

// Who may call (CALLERS_FILE, or CALLERS inline) and how much the service
// admits at once. Authentication is on in every mode: without callers the
// service does not start (npm start writes development callers).

export interface AccessConfig {
  callers: Caller[];
  limits: AdmissionLimits;
  /** TLS on the RPC port (TLS_CERT_FILE, TLS_KEY_FILE), mutual with TLS_CLIENT_CA_FILE; unset = plaintext (behind a mesh). */
  tls?: TlsSettings;
}

export function readAccess(read: EnvReader): AccessConfig {
  const tls = readTls(read);
  return { callers: readCallers(read), limits: readLimits(read), ...(tls !== undefined ? { tls } : {}) };
}

function readTls(read: EnvReader): TlsSettings | undefined {
  const names = ["TLS_CERT_FILE", "TLS_KEY_FILE", "TLS_CLIENT_CA_FILE"] as const;
  const [cert, key, ca] = names.map((name) => read.optional(name));
  if (cert === undefined && key === undefined) {
    if (ca !== undefined) read.problem("TLS_CLIENT_CA_FILE", "needs TLS_CERT_FILE and TLS_KEY_FILE");
    return undefined;
  }
  if (cert === undefined || key === undefined) {
    read.problem(cert === undefined ? "TLS_CERT_FILE" : "TLS_KEY_FILE", "set both TLS_CERT_FILE and TLS_KEY_FILE, or neither");
    return undefined;
  }
  const pem = (name: (typeof names)[number], path: string, marker: RegExp): string => {
    try {
      const text = readFileSync(path, "utf8");
      if (!marker.test(text)) read.problem(name, "does not hold the expected PEM block");
      return text;
    } catch {
      read.problem(name, "cannot be read");
      return "";
    }
  };
  const certPem = pem("TLS_CERT_FILE", cert, /-----BEGIN CERTIFICATE-----/);
  const keyPem = pem("TLS_KEY_FILE", key, /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  return { certPem, keyPem, ...(ca !== undefined ? { clientCaPem: pem("TLS_CLIENT_CA_FILE", ca, /-----BEGIN CERTIFICATE-----/) } : {}) };
}

function readCallers(read: EnvReader): Caller[] {
  const inline = read.optional("CALLERS");
  const file = read.optional("CALLERS_FILE");
  if (inline !== undefined && file !== undefined) {
    read.problem("CALLERS_FILE", "set either CALLERS or CALLERS_FILE, not both");
    return [];
  }
  const name = file !== undefined ? "CALLERS_FILE" : "CALLERS";
  let json = inline;
  if (file !== undefined) {
    try {
      json = readFileSync(file, "utf8");
    } catch {
      read.problem("CALLERS_FILE", "cannot be read");
      return [];
    }
  }
  if (json === undefined) {
    read.problem("CALLERS_FILE", "is required (or CALLERS): every RPC but health needs a configured caller; see the README's auth section");
    return [];
  }
  const parsed = parseCallers(json);
  if ("problems" in parsed) {
    for (const problem of parsed.problems) read.problem(name, problem);
    return [];
  }
  return parsed.callers;
}

function readLimits(read: EnvReader): AdmissionLimits {
  return {
    unary: read.integer("MAX_INFLIGHT_RPCS", 256, 1, 100_000),
    webhooks: read.integer("MAX_INFLIGHT_WEBHOOKS", 64, 1, 100_000),
    // Per caller and per stream kind (ADR 0024): one caller can starve no other, watchers never lock event consumers out.
    streams: read.integer("MAX_OPEN_STREAMS", 1_000, 1, 1_000_000),
    eventStreams: read.integer("MAX_OPEN_EVENT_STREAMS", 100, 1, 100_000),
    callerSharePercent: read.integer("MAX_CALLER_SHARE_PERCENT", 25, 1, 100),
    maxStreamLifetimeMs: read.integer("MAX_STREAM_LIFETIME_MS", 15 * 60_000, 1_000, 24 * 3_600_000),
  };
}
