import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "../src/simulator.js";
import { newOrder, orderId, pay, startApi, type Api } from "./helpers/api.js";

// "Order ID is not case sensitive, it is not differentiated between upper and
// lower case values" (Juspay's order-id-format page): ABC1 and abc1 are one
// order at Juspay, so the simulator keys orders case-insensitively.

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const DUPLICATE = { status_id: 40, status: "DUPLICATE_ORDER_ID", error_message: "Order already exists with the given order_id" };
/** A fresh id with upper-case letters (orderId() is all lower case). */
const upper = (): string => orderId("ORD").toUpperCase();

describe("order ids differing only in letter case", () => {
  it("POST /orders with abc1 when ABC1 exists is Juspay's duplicate-order error, and no second order exists", async () => {
    const id = await newOrder(api, "10.00", { order_id: upper() });
    const res = await api.form("/orders", { order_id: id.toLowerCase(), amount: "10.00", customer_id: "cust_1" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(DUPLICATE);
    expect(Object.values(api.sim.state.orders).filter((o) => o.orderId.toLowerCase() === id.toLowerCase()).map((o) => o.orderId)).toEqual([id]);
  });

  it("POST /session with a case variant of an existing order is the same duplicate", async () => {
    const id = await newOrder(api, "10.00", { order_id: upper() });
    const res = await api.json("/session", { order_id: id.toLowerCase(), amount: "10.00", customer_id: "cust_1", payment_page_client_id: "sim_client", action: "paymentPage" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(DUPLICATE);
  });

  it("GET /orders/:id finds the order in any case and answers the spelling it was created with", async () => {
    const id = await newOrder(api, "10.00", { order_id: upper() });
    pay(api, id.toLowerCase(), { outcome: "success" });
    const res = await api.get(`/orders/${id.toLowerCase()}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ order_id: id, status: "CHARGED" });
    expect(api.sim.order(id.toLowerCase())?.orderId).toBe(id);
  });
});

describe("a state file written with case-sensitive keys", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "juspay-sim-case-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("is loaded with every order under its case-insensitive key", async () => {
    const file = join(dir, "state.json");
    const seed = await startApi();
    const id = await newOrder(seed, "5.00", { order_id: upper() });
    const order = JSON.parse(JSON.stringify(seed.sim.order(id)));
    await seed.close();
    await writeFile(file, JSON.stringify({ orders: { [id]: order } }));
    const sim = await startSimulator({ port: 0, stateFile: file });
    try {
      expect(Object.keys(sim.state.orders)).toEqual([id.toLowerCase()]);
      expect(sim.order(id)?.orderId).toBe(id);
    } finally {
      await sim.close();
    }
  });
});
