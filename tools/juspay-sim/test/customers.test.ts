import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type Api } from "./helpers/api.js";
import { fixture, shapeProblems } from "./helpers/shape.js";
import { invalidParamsBody } from "./helpers/published-errors.js";

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

let n = 0;
const ref = (): string => `customer${Date.now().toString(36)}${n++}@example.in`;
const create = (fields: Record<string, string>) => api.form("/customers", fields);

describe("POST /customers", () => {
  it("creates a customer with a cst_ id", async () => {
    const reference = ref();
    const res = await create({ object_reference_id: reference, mobile_number: "9988776655", email_address: "c@x.in", first_name: "John", last_name: "Smith", mobile_country_code: "+91" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: "customer", object_reference_id: reference, mobile_number: "9988776655", mobile_country_code: "91", first_name: "John" });
    expect(res.body.id).toMatch(/^cst_[a-z0-9]{16}$/);
    expect(res.body.juspay).toBeUndefined();
    expect(shapeProblems(fixture("customer/create-customer/response.json"), res.body)).toEqual([]);
  });

  it("adds a client auth token on options.get_client_auth_token=true", async () => {
    const res = await create({ object_reference_id: ref(), mobile_number: "9988776655", "options.get_client_auth_token": "true" });
    expect(res.body.juspay.client_auth_token).toMatch(/^tkn_/);
    expect(shapeProblems(fixture("customer/create-customer/response-auth_token.json"), res.body)).toEqual([]);
  });

  it.each([
    [{ mobile_number: "9988776655" }, "MISSING_MANDATORY_PARAMETER"],
    [{ object_reference_id: "short", mobile_number: "9988776655" }, "INVALID_INPUT"],
    [{ object_reference_id: "longenough1" }, "MISSING_MANDATORY_PARAMETER"],
  ])("rejects %o", async (fields, code) => {
    const res = await create(fields as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: "Invalid Request", error_code: code });
  });

  it.each([
    [{ object_reference_id: " ", mobile_number: "9988776655" }, "object_reference_id"],
    [{ object_reference_id: "longenough1", mobile_number: "" }, "mobile_number"],
  ])("rejects %o with Juspay's published empty-value answer", async (fields, field) => {
    const res = await create(fields);
    expect(res.status).toBe(400);
    // https://juspay.io/sea/docs/express-checkout-sdk-global/android/integration-guide/2--create-customer-api
    expect(res.body).toEqual(invalidParamsBody(field));
  });

  it("rejects a second customer with the same object_reference_id with Juspay's published answer", async () => {
    const reference = ref();
    await create({ object_reference_id: reference, mobile_number: "1" });
    const again = await create({ object_reference_id: reference, mobile_number: "1" });
    expect(again.status).toBe(400);
    // https://juspay.io/sea/docs/express-checkout-sdk-global/android/integration-guide/2--create-customer-api
    expect(again.body).toEqual({
      error_message: "Customer with given object reference id already exist for your account.",
      status: "invalid_request_error",
      error_code: "unique",
      error_info: { user_message: "Already exists.", developer_message: "Customer account with given object reference already exists.", code: "ALREADY_EXISTS", category: "USER_ERROR" },
    });
    expect(Object.values(api.sim.state.customers).filter((c) => c.objectReferenceId === reference)).toHaveLength(1);
  });
});

describe("GET and POST /customers/:id", () => {
  it("finds a customer by cst_ id or object_reference_id, with a token on request", async () => {
    const reference = ref();
    const created = (await create({ object_reference_id: reference, mobile_number: "9988776655" })).body;
    const byId = await api.get(`/customers/${created.id}`);
    expect(byId.body).toEqual(created);
    expect(shapeProblems(fixture("customer/get-customer/response.json"), byId.body)).toEqual([]);
    const byRef = await api.get(`/customers/${encodeURIComponent(reference)}?options.get_client_auth_token=true`);
    expect(byRef.body.id).toBe(created.id);
    expect(shapeProblems(fixture("customer/get-customer/response-auth_token.json"), byRef.body)).toEqual([]);
  });

  it("answers 404 for an unknown customer", async () => {
    const res = await api.get("/customers/cst_nosuchcustomer");
    expect(res.status).toBe(404);
    expect(res.body.error_info.code).toBe("RESOURCE_NOT_FOUND");
    expect((await api.form("/customers/cst_nosuchcustomer", { first_name: "x" })).status).toBe(404);
  });

  it("updates contact fields", async () => {
    const created = (await create({ object_reference_id: ref(), mobile_number: "9988776655", first_name: "John" })).body;
    api.sim.clock.advance(60_000);
    const res = await api.form(`/customers/${created.id}`, { mobile_number: "9988776644", first_name: "Jon", last_name: "Snow" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, mobile_number: "9988776644", first_name: "Jon", last_name: "Snow", date_created: created.date_created });
    expect(res.body.last_updated).not.toBe(created.last_updated);
    expect(shapeProblems(fixture("customer/update-customer/response.json"), res.body)).toEqual([]);
    expect((await api.form(`/customers/${created.id}`, { mobile_number: " " })).status).toBe(400);
  });
});
