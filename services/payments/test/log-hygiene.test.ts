import { spawn } from "node:child_process";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { rememberSecrets } from "@payments/env-config/redaction";
import { JuspayNetworkError } from "@payments/juspay";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { pino, type Logger as PinoLogger } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger as createBridgeLogger } from "../../webhook-bridge/src/logger.js";
import { createLogger } from "../src/logger.js";
import { REQUEST_ID_HEADER, runWithRequestId } from "../src/observability/request-context.js";
import { createService } from "../src/service.js";
import { scanLogLine } from "./helpers/log-scan.js";
import { followProcessOutput } from "./helpers/process-output.js";
import { DEFAULT_TEST_SETTINGS, eventually, startStack, testSigningKey, type Stack } from "./helpers/stack.js";
import { openMigratedTestDatabase } from "./helpers/test-database.js";
import { ingest, orderWebhookBody } from "./helpers/webhooks.js";

// Criterion 38: what reaches the logs. The scanner (helpers/log-scan.ts) runs
// on every stack's logs; here it is shown to catch each rule, the loggers are
// fed hostile records and must come out clean, and the request id is followed
// from the caller to the log lines, the answer, Juspay and the jobs.

const API_KEY = "hygiene_test_api_key_0042";
const PEM = testSigningKey().privateKeyPem;
const CARD = "4242424242424242";

/** A logger's output, line by line. */
function lines(): { sink: Writable; text: string[] } {
  const text: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      text.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  return { sink, text };
}

/** Records shaped like the mistakes that leak secrets: headers, request configs, errors, free text. */
function logHostileRecords(logger: PinoLogger): void {
  const requestConfig = {
    method: "POST",
    url: `https://api.juspay.in/orders?api_key=${API_KEY}`,
    headers: { Authorization: `Basic ${Buffer.from(`${API_KEY}:`).toString("base64")}`, "x-api-key": API_KEY, cookie: "session=abcdef123456" },
    auth: { username: API_KEY, password: "hunter2-password" },
    data: `card_number=${CARD}&card_security_code=123&customer_email=alice.smith@example.com&customer_phone=9876543210`,
  };
  const httpError = Object.assign(new Error(`POST https://api.juspay.in/orders failed for alice.smith@example.com card ${CARD}`), { config: requestConfig, code: "ECONNRESET" });
  const juspayError = new JuspayNetworkError({ operation: "orders.refund", requestSent: true, cause: httpError });
  logger.info({ headers: { authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig" }, apiKey: API_KEY, password: "pw-1234567", token: "tok_abcdefgh" }, "headers and keys");
  logger.info({ config: requestConfig }, "request config as an object");
  logger.info({ body: JSON.stringify({ card: { number: CARD, cvv: "123", expiry: "12/30" }, email: "bob@example.org", mobile: "+91 98765 43210" }) }, "a body as text");
  logger.info({ pan: CARD, card: { cvv: 321, cvc: "999" }, amountPaise: Number(CARD), spaced: "4242 4242 4242 4242", dashed: "4111-1111-1111-1111" }, "card fields");
  logger.info({ key: PEM, note: `key follows ${PEM.slice(0, 120)}` }, "a private key");
  logger.warn({ err: httpError }, "http client error");
  logger.error({ err: juspayError }, "Juspay error with the request config in its cause");
  logger.error(httpError);
  logger.error(new AggregateError([httpError, new Error(`second: ${CARD}`)], "several failed"));
  logger.info(`free text: Authorization: Basic ${Buffer.from(`${API_KEY}:`).toString("base64")}; cvv=123; call 9876543210 or mail carol@example.net`);
  logger.info("interpolated %s and %o", `card ${CARD}`, { email: "dave@example.com", token: "tok_zzzzzzzz" });
  logger.child({ customer: "erin@example.com", phone: "+919876543210" }).info("child bindings");
  logger.info({ headers: new Headers({ authorization: "Bearer abcdefghijkl", "content-type": "application/json" }) }, "a Headers object");
  logger.info({ bare: API_KEY }, `the key alone: ${API_KEY}`);
}

describe("the log scan (criterion 38)", () => {
  it("catches every rule on an unscrubbed logger, and its report never repeats the secret", () => {
    const out = lines();
    logHostileRecords(pino({ level: "info" }, out.sink));
    const rules = new Set(out.text.flatMap((line) => scanLogLine(line, [{ label: "Juspay API key", value: API_KEY }]).map((v) => v.rule)));
    expect([...rules].sort()).toEqual(
      [
        "Basic credentials",
        "CVV field",
        "PEM marker",
        "bearer token",
        "card number (Luhn-valid 13-19 digits)",
        "known secret (Juspay API key)",
        "unmasked email",
        "unmasked phone number",
      ].sort(),
    );
    const report = JSON.stringify(out.text.flatMap((line) => scanLogLine(line, [{ label: "Juspay API key", value: API_KEY }])));
    for (const secret of [API_KEY, CARD, "alice.smith@example.com", "9876543210"]) expect(report).not.toContain(secret);
  });

  it("passes lines that only hold masked forms, ordinary ids, times and amounts", () => {
    const clean = JSON.stringify({
      time: 1732350000007,
      msg: "refund sent",
      email: "a***@example.com",
      phone: "******3210",
      card: "******4242",
      authorization: "[REDACTED]",
      header: "Basic [REDACTED]",
      realm: 'Basic realm="juspay-webhooks"',
      orderId: "ord1732350000007",
      requestId: "123e4567-e89b-12d3-a456-426614174000",
      amountMinor: "1000",
      jobId: 42,
    });
    expect(scanLogLine(clean, [{ label: "Juspay API key", value: API_KEY }])).toEqual([]);
  });
});

describe("the log scan of child processes (criterion 38)", () => {
  const run = (script: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, ["-e", script], { env: { PATH: process.env.PATH ?? "", ...env } });
    return followProcessOutput(child, "child process", env);
  };

  it("catches a secret a service process prints, on stdout or stderr, JSON or not", async () => {
    const output = run(
      `console.log(JSON.stringify({ level: 30, msg: "calling Juspay", key: process.env.JUSPAY_API_KEY }));
       console.error("Error: POST failed: Authorization: Basic " + Buffer.from(process.env.JUSPAY_API_KEY + ":").toString("base64"));
       console.error("card ${CARD}");`,
      { JUSPAY_API_KEY: API_KEY, WEBHOOK_PASSWORD: "planted-webhook-password" },
    );
    expect(await output.closed).toBe(0);
    expect(output.lines).toHaveLength(3);
    expect(() => output.finish()).toThrow(/known secret \(JUSPAY_API_KEY\)[\s\S]*Basic credentials[\s\S]*card number/);
  });

  it("passes a process whose output holds no secret", async () => {
    const output = run(`console.log(JSON.stringify({ level: 30, msg: "payments service listening", address: "127.0.0.1:50051" }))`, { JUSPAY_API_KEY: API_KEY });
    expect(await output.closed).toBe(0);
    expect(() => output.finish()).not.toThrow();
    expect(output.capture.logs).toEqual([{ level: 30, msg: "payments service listening", address: "127.0.0.1:50051" }]);
  });
});

describe("the loggers scrub what they are given", () => {
  beforeAll(() => rememberSecrets(API_KEY));

  it.each([
    ["payments service", (sink: Writable) => createLogger("info", sink)],
    ["webhook bridge", (sink: Writable) => createBridgeLogger("info", sink)],
  ])("the %s logger writes hostile records with no secret and only masked personal data", (_name, make) => {
    const out = lines();
    logHostileRecords(make(out.sink));
    expect(out.text.length).toBe(14);
    for (const [i, line] of out.text.entries()) {
      expect(scanLogLine(line, [{ label: "Juspay API key", value: API_KEY }, { label: "password", value: "hunter2-password" }]), `line ${i + 1}`).toEqual([]);
    }
    const all = out.text.join("\n");
    // What an operator still gets: masked forms, the error's shape and the request's method.
    expect(all).toContain("a***@example.com");
    expect(all).toContain("******4242");
    expect(all).toContain("******3210");
    expect(all).toContain("[REDACTED PEM]");
    const juspayLine = JSON.parse(out.text.find((l) => l.includes("Juspay error with the request config"))!) as { err: { type: string; cause: { code: string; config: { method: string } } } };
    expect(juspayLine.err.type).toBe("JuspayNetworkError");
    expect(juspayLine.err.cause.code).toBe("ECONNRESET");
    expect(juspayLine.err.cause.config.method).toBe("POST");
    // An error logged alone lends its (scrubbed) message to the line.
    const errorLine = JSON.parse(out.text.find((l) => l.includes('"msg":"POST'))!) as { msg: string; err: { config: { auth: { password: string } } } };
    expect(errorLine.msg).toBe("POST https://api.juspay.in/orders failed for a***@example.com card ******4242");
    expect(errorLine.err.config.auth.password).toBe("[REDACTED]");
  });
});

describe("request ids", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.stop());

  const connect = () => createClient(OrderService, createConnectTransport({ baseUrl: stack.baseUrl, httpVersion: "1.1", interceptors: [(next) => (req) => (req.header.set("authorization", `Bearer ${stack.token}`), next(req))] }));

  async function refusal(call: Promise<unknown>): Promise<ConnectError> {
    return call.then(
      () => expect.fail("expected an error"),
      (err: unknown) => ConnectError.from(err),
    );
  }

  it("returns the caller's well-formed x-request-id, also on errors, and makes one up for a malformed or personal one", async () => {
    let header: Headers | undefined;
    const onHeader = (h: Headers) => (header = h);
    await stack.webhooks.listWebhookEvents({}, { headers: { [REQUEST_ID_HEADER]: "req-1.a:b_C" }, onHeader });
    expect(header?.get(REQUEST_ID_HEADER)).toBe("req-1.a:b_C");

    const notFound = await refusal(connect().getOrderStatus({ orderId: "ordnone2" }, { headers: { [REQUEST_ID_HEADER]: "req-2" } }));
    expect(notFound.code).toBe(Code.NotFound);
    expect(notFound.metadata.get(REQUEST_ID_HEADER)).toBe("req-2");

    for (const bad of ["has space", "x".repeat(65), "9876543210", `${CARD}`, "a@b.com", ""]) {
      const err = await refusal(connect().getOrderStatus({ orderId: "ordnone3" }, { headers: { [REQUEST_ID_HEADER]: bad } }));
      const id = err.metadata.get(REQUEST_ID_HEADER);
      expect(id, JSON.stringify(bad)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("is on every log line of the call and of the jobs the call enqueued", async () => {
    const requestId = "hygiene-webhook-1";
    const body = orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId: "ordunknownrid", amount: 10, status: "CHARGED" });
    const answer = await stack.webhooks.ingestJuspayWebhook(
      { method: "POST", path: "/webhooks/juspay", body, headers: [{ name: "content-type", value: "application/json" }] },
      { headers: { [REQUEST_ID_HEADER]: requestId } },
    );
    const job = await stack.database.database.db.selectFrom("jobs").select("payload").where("kind", "=", "webhook.process").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(job.payload).toMatchObject({ eventId: answer.eventId, requestId });
    const mine = await eventually(async () => {
      const lines = stack.logs.filter((l) => l.webhookEventId === answer.eventId);
      return lines.some((l) => String(l.msg).startsWith("webhook event unmatched")) ? lines : undefined;
    });
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(["webhook stored", expect.stringMatching(/^webhook event unmatched/)]));
    for (const line of mine) expect(line.requestId, String(line.msg)).toBe(requestId);
    // Work no request caused carries none.
    await ingest(stack, orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId: "ordunknownrid", amount: 10, status: "CHARGED" }));
    expect(stack.logs.filter((l) => l.msg === "webhook stored").some((l) => l.requestId !== requestId && typeof l.requestId === "string")).toBe(true);
  });
});

describe("outbound Juspay calls", () => {
  it("carry the request id as x-request-id, through the fetch the service composes", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const juspay = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ status: "Invalid Request", error_code: "invalid_request", error_message: "no such order" }));
    });
    await new Promise<void>((resolve) => juspay.listen(0, "127.0.0.1", resolve));
    const baseUrl = `http://127.0.0.1:${(juspay.address() as AddressInfo).port}`;
    const database = await openMigratedTestDatabase();
    try {
      const service = createService({
        config: {
          juspay: { baseUrl, apiKey: API_KEY, merchantId: "m1", apiVersion: "2023-06-30", executionStatusPath: "/txns/v2/orders/{order_id}" },
          payments: DEFAULT_TEST_SETTINGS,
          jobs: { enabled: false, pollIntervalMs: 1_000, concurrency: 1 },
        },
        database: database.database,
        logger: createLogger("silent"),
      });
      await runWithRequestId("outbound-rid-1", () => service.app.juspay.orders.status("ordx1", { routingId: "cust_x1" })).catch(() => undefined);
      await service.app.juspay.orders.status("ordx2", { routingId: "cust_x2" }).catch(() => undefined);
      expect(seen.length).toBe(2);
      // Ours, then the Juspay client's own per-call part (retries of one call repeat it; two calls differ).
      expect(seen[0]?.[REQUEST_ID_HEADER]).toMatch(/^outbound-rid-1:[0-9a-f]{8}$/);
      expect(seen[1]?.[REQUEST_ID_HEADER]).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      juspay.close();
      await database.drop();
    }
  });
});
