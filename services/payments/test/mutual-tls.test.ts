import { X509Certificate } from "node:crypto";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { bearerTokenInterceptor } from "@payments/client";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "@payments/proto/health/v1/health_pb";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { errorReason } from "@payments/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Caller } from "../src/auth/callers.js";
import { seedPaidOrder } from "./helpers/orders.js";
import { startStack, type Stack } from "./helpers/stack.js";
import { TEST_TOKEN } from "./helpers/test-callers.js";
import { createTestPki, type Pem, type TestPki } from "./helpers/test-certificates.js";
import { callFailure } from "./helpers/call-failure.js";
import { splitAltNames } from "../src/auth/peer-certificate.js";

// Mutual TLS (criterion 39, ADR 0018): with TLS_CLIENT_CA_FILE the handshake
// itself refuses a client without a certificate, with one from another CA or
// with an expired one; a verified certificate whose identity (SAN) is not an
// allowed caller is PERMISSION_DENIED; an allowed one is that caller, with its
// scopes. Bearer tokens still work over the same TLS port.

const BILLING = "spiffe://payments.test/ns/billing/sa/billing";
const certCaller = (id: string, identity: string): Caller => ({ id, scopes: new Set(["orders.read"]), tokenSha256: [], clientCertIdentities: [identity], customerScoped: false, rateLimit: { perSecond: 1_000, burst: 1_000 } });
// Identities are typed (URI:, DNS:, CN=) and match only a certificate field of that type.
const billing = certCaller("billing", `URI:${BILLING}`);
const ledger = certCaller("ledger", "DNS:ledger.payments.test");
const reports = certCaller("reports", "CN=reports");

let pki: TestPki;
let stack: Stack;
let url = "";
const clients: Record<string, Pem> = {};

beforeAll(async () => {
  pki = createTestPki();
  clients.billing = pki.client("billing", { san: `URI:${BILLING}` });
  clients.stranger = pki.client("stranger", { san: "URI:spiffe://payments.test/ns/other/sa/stranger" });
  clients.otherCa = pki.client("forged-billing", { san: `URI:${BILLING}`, otherCa: true });
  clients.expired = pki.client("expired-billing", { san: `URI:${BILLING}`, expired: true });
  clients.ledger = pki.client("ledger-pod", { san: "DNS:ledger.payments.test" });
  clients.reports = pki.client("reports");
  // Look-alikes: the same values in a field of another type.
  clients.dnsLikeBilling = pki.client("dns-like-billing", { san: `DNS:${BILLING}` });
  clients.dnsLikeReports = pki.client("dns-like-reports", { san: "DNS:CN=reports" });
  clients.cnLikeLedger = pki.client("ledger.payments.test");
  stack = await startStack({ jobs: false, callers: [billing, ledger, reports], tls: { ...pki.server, clientCaPem: pki.caPem } });
  url = `https://127.0.0.1:${stack.server.address.port}`;
  await seedPaidOrder(stack, { orderId: "mtls1", amountMinor: 1_000n });
  // Let the expired certificate's validity pass: it ends within the second it was issued (made before the stack, so often passed already).
  const validUntil = Date.parse(new X509Certificate(clients.expired.certPem).validTo) + 1_000;
  await new Promise((r) => setTimeout(r, Math.max(0, validUntil + 100 - Date.now())));
});
afterAll(async () => {
  await stack?.stop();
  pki?.remove();
});

function orders(client?: Pem, token?: string) {
  const nodeOptions = { ca: pki.caPem, ...(client ? { cert: client.certPem, key: client.keyPem } : {}) };
  return createClient(OrderService, createGrpcTransport({ baseUrl: url, nodeOptions, interceptors: token ? [bearerTokenInterceptor(token)] : [] }));
}

const failure = callFailure;

describe("the handshake", () => {
  it.each([
    ["no client certificate", undefined],
    ["a certificate from another CA", "otherCa"],
    ["an expired certificate", "expired"],
  ])("refuses %s: the call never reaches the service", async (_, name) => {
    const err = await failure(orders(name ? clients[name] : undefined).getOrderStatus({ orderId: "mtls1" }));
    // The client sees the connection fail (how depends on when the server drops it), never an answer.
    expect([Code.Unavailable, Code.Internal, Code.Unknown, Code.Canceled]).toContain(err.code);
    expect(errorReason(err)).toBe(ErrorReason.UNSPECIFIED);
  });
});

describe("a verified client certificate", () => {
  it("whose identity is an allowed caller calls as that caller, within its scopes", async () => {
    expect((await orders(clients.billing).getOrderStatus({ orderId: "mtls1" })).order?.orderId).toBe("mtls1");
    const err = await failure(orders(clients.billing).refundOrder({ idempotencyKey: "mtls-refund-1", orderId: "mtls1", amount: { amountMinor: 100n, currency: "INR" } }));
    expect(err.code).toBe(Code.PermissionDenied);
    expect(err.rawMessage).toContain("caller billing");
  });

  it.each([
    ["a URI SAN", "billing", "a DNS SAN with the same text", "dnsLikeBilling"],
    ["a subject CN", "reports", 'a DNS SAN reading "CN=reports"', "dnsLikeReports"],
    ["a DNS SAN", "ledger", "a subject CN with the same name", "cnLikeLedger"],
  ])("listed as %s is that caller; %s is not (PERMISSION_DENIED)", async (_, listed, __, lookalike) => {
    expect((await orders(clients[listed]).getOrderStatus({ orderId: "mtls1" })).order?.orderId).toBe("mtls1");
    const err = await failure(orders(clients[lookalike]).getOrderStatus({ orderId: "mtls1" }));
    expect(err.code).toBe(Code.PermissionDenied);
    expect(err.rawMessage).toBe("the client certificate's identity is not an allowed caller");
  });

  it("whose identity is not in the allow-list is PERMISSION_DENIED", async () => {
    const err = await failure(orders(clients.stranger).getOrderStatus({ orderId: "mtls1" }));
    expect(err.code).toBe(Code.PermissionDenied);
    expect(errorReason(err)).toBe(ErrorReason.PERMISSION_DENIED);
  });

  it("with a bearer token calls as the token's caller (all scopes here)", async () => {
    const refund = await orders(clients.stranger, TEST_TOKEN).refundOrder({ idempotencyKey: "mtls-refund-2", orderId: "mtls1", amount: { amountMinor: 100n, currency: "INR" } });
    expect(refund.refund?.orderId).toBe("mtls1");
  });

  it("health needs no caller, but still a certificate", async () => {
    const health = createClient(Health, createGrpcTransport({ baseUrl: url, nodeOptions: { ca: pki.caPem, cert: clients.stranger!.certPem, key: clients.stranger!.keyPem } }));
    expect((await health.check({})).status).toBe(ServingStatus.SERVING);
  });
});

describe("a certificate's alternative names", () => {
  it("are split as Node writes them: a quoted value holding a comma stays one name of its own type", () => {
    expect(splitAltNames('DNS:"a, URI:spiffe://x/billing", URI:spiffe://x/y, IP Address:127.0.0.1')).toEqual(["DNS:a, URI:spiffe://x/billing", "URI:spiffe://x/y", "IP Address:127.0.0.1"]);
    expect(splitAltNames('DNS:"unterminated')).toEqual([]);
  });
});
