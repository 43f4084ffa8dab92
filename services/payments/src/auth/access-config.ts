import { readFileSync } from "node:fs";
import type { EnvReader } from "@payments/env-config";
import type { AdmissionLimits } from "../rpc/admission.js";
import { parseCallers, type Caller } from "./callers.js";

// Who may call (CALLERS_FILE, or CALLERS inline) and how much the service
// admits at once. Authentication is on in every mode: without callers the
// service does not start (npm start writes development callers).

export interface AccessConfig {
  callers: Caller[];
  limits: AdmissionLimits;
}

export function readAccess(read: EnvReader): AccessConfig {
  return { callers: readCallers(read), limits: readLimits(read) };
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
    streams: read.integer("MAX_OPEN_STREAMS", 1_000, 1, 1_000_000),
  };
}
