import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PENDING_TXN_SETTLE_MS } from "../src/engine/sandbox.js";
import { AUTH, newOrder, orderId, pay, startApi, type Api } from "./helpers/api.js";

// Issue 17, points 4 and 11: what Juspay documents about paths and headers,
// enforced so a client that strays is caught against the simulator.

let strict: Api;
let lenient: Api;
beforeAll(async () => {
  [strict, lenient] = await Promise.all([startApi(), startApi({ requireGetContentType: false, serveExecutionStatusPath: true })]);
});
afterAll(async () => {
  await Promise.all([strict?.close(), lenient?.close()]);
});

const rawGet = (api: Api, path: string, headers: Record<string, string> = {}) => fetch(api.sim.url + path, { headers: { authorization: AUTH, ...headers } });

describe("Content-Type on API GETs (Juspay's Order Status pages: required)", () => {
  it("refuses a GET without Content-Type with 400, before the handler runs", async () => {
    const id = await newOrder(strict);
    const res = await rawGet(strict, `/orders/${id}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: "Invalid Request", error_code: "MISSING_MANDATORY_PARAMETER", error_message: "Mandatory header is missing: Content-Type" });
    expect((await rawGet(strict, `/customers/nobody/mandates`)).status).toBe(400);
  });

  it("answers the same GET with the documented form Content-Type (JSON, as some summaries show, too)", async () => {
    const id = await newOrder(strict);
    expect((await rawGet(strict, `/orders/${id}`, { "content-type": "application/x-www-form-urlencoded" })).status).toBe(200);
    expect((await rawGet(strict, `/orders/${id}`, { "content-type": "application/json" })).status).toBe(200);
    expect((await rawGet(strict, `/orders/${id}`, { "content-type": "text/plain" })).status).toBe(400);
  });

  it("answers 401 before 400: a caller without the key learns nothing else", async () => {
    expect((await fetch(`${strict.sim.url}/orders/x`)).status).toBe(401);
  });

  it("accepts a GET without it when told to be lenient (requireGetContentType: false)", async () => {
    const id = await newOrder(lenient);
    expect((await rawGet(lenient, `/orders/${id}`)).status).toBe(200);
  });
});

describe("GET /txns/v2/orders/:id (in no public Juspay source)", () => {
  const executed = async (api: Api): Promise<string> => {
    const registration = await newOrder(api, "1.00", { "options.create_mandate": "REQUIRED", "mandate.max_amount": "1000", "mandate.amount_rule": "VARIABLE", "mandate.frequency": "ASPRESENTED" });
    pay(api, registration, { paymentMethodType: "UPI", vpa: "success@upi" });
    const mandateId = (await api.get(`/orders/${registration}`)).body.mandate.mandate_id as string;
    const debit = orderId("exe");
    const res = await api.form("/txns", { mandate_id: mandateId, "order.order_id": debit, "order.amount": "10.00", merchant_id: "sim_merchant", format: "json" });
    expect(res.status).toBe(200);
    api.sim.clock.advance(PENDING_TXN_SETTLE_MS);
    return debit;
  };

  it("is 404 by default, as Juspay answers an unknown path, and is recorded as unrouted; Order Status answers the debit", async () => {
    const debit = await executed(strict);
    const res = await strict.get(`/txns/v2/orders/${debit}`);
    expect(res.status).toBe(404);
    expect(strict.sim.counters.snapshot().unrouted[`GET /txns/v2/orders/${debit}`]).toBe(1);
    expect(strict.sim.routes.some((r) => r.name === "execution_status")).toBe(false);
    expect((await strict.get(`/orders/${debit}`)).body).toMatchObject({ order_id: debit, status: "CHARGED", txn_detail: { txn_object_type: "EMANDATE_PAYMENT" } });
  });

  it("answers the debit's status when told to serve it (serveExecutionStatusPath)", async () => {
    const debit = await executed(lenient);
    const res = await lenient.get(`/txns/v2/orders/${debit}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ order_id: debit, status: "CHARGED" });
  });
});
