// Development callers for `npm start` (authentication is on in every mode):
// one token per caller, generated once into .data/dev-callers.json
// (owner-only) and printed by `npm start`, so curl, buf curl and the demo can
// call. The service gets only the tokens' SHA-256 (CALLERS). Never production tokens.
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface DevCaller {
  id: string;
  scopes: string[];
  customer_scoped?: boolean;
  token: string;
  /** Who it stands for, for the banner. */
  role: string;
}

const ALL_BUT_INGEST = ["payloads.write", "orders.read", "orders.write", "refunds.write", "mandates.read", "mandates.write", "webhooks.admin", "events.read", "reflection.read"];

const ROLES: Omit<DevCaller, "token">[] = [
  { id: "dev-backend", scopes: ALL_BUT_INGEST, role: "a backend service (and `npm run demo`)" },
  { id: "dev-bff", scopes: ["payloads.write", "orders.read", "mandates.read"], customer_scoped: true, role: "the mobile BFF: send x-customer-id" },
  { id: "dev-bridge", scopes: ["webhooks.ingest"], role: "the webhook bridge (PAYMENTS_TOKEN)" },
];

/** The development callers, creating their tokens on first use. Scopes come from ROLES, so a file written before a scope was added still gets it. */
export function devCallers(file: string): DevCaller[] {
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as DevCaller[]) : [];
  const callers = ROLES.map((role) => ({
    ...role,
    token: stored.find((c) => c.id === role.id)?.token ?? `dev_${role.id.replace("dev-", "")}_${randomBytes(18).toString("base64url")}`,
  }));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(callers, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return callers;
}

/** The CALLERS value for the service: hashes only. */
export function callersEnv(callers: DevCaller[]): string {
  return JSON.stringify({
    callers: callers.map(({ id, scopes, customer_scoped, token }) => ({
      id,
      scopes,
      customer_scoped: customer_scoped ?? false,
      token_sha256: [createHash("sha256").update(token).digest("hex")],
    })),
  });
}

export function tokenOf(callers: DevCaller[], id: string): string {
  const caller = callers.find((c) => c.id === id);
  if (caller === undefined) throw new Error(`no development caller ${id} in .data/dev-callers.json: delete the file and restart npm start`);
  return caller.token;
}

/** The token of the first development caller that holds the scope and acts for no single customer (so a plain curl may use it). */
export function tokenWithScope(callers: DevCaller[], scope: string): string {
  const caller = callers.find((c) => c.scopes.includes(scope) && c.customer_scoped !== true);
  if (caller === undefined) throw new Error(`no development caller holds ${scope}: delete .data/dev-callers.json and restart npm start`);
  return caller.token;
}
