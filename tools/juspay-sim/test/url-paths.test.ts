import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH, startApi, type Api } from "./helpers/api.js";

// How the simulator routes request paths, as an HTTP front (Juspay's included)
// does: the raw request line is parsed as a URL, so dot segments, also
// percent-encoded, are resolved before routing and can never name a customer,
// order or mandate "." or ".."; a malformed percent-escape is the client's
// error (400), not the simulator's (500). Sent over a raw socket: fetch would
// resolve the dots on the client side and hide what the server does.

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

function rawGet(path: string): Promise<{ status: number; body: string }> {
  const url = new URL(api.sim.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: "GET", path, headers: { authorization: AUTH } }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("dot segments in request paths", () => {
  it.each(["/customers/../mandates", "/customers/%2e%2E/mandates", "/orders/..", "/orders/%2E"])("%s is resolved before routing, reaching no route of a dot-named id", async (path) => {
    const before = api.sim.counters.snapshot().requests;
    const res = await rawGet(path);
    expect(res.status).toBe(404);
    expect(api.sim.counters.snapshot().requests).toEqual(before);
  });

  it("a malformed percent-escape in an id is answered 400", async () => {
    const res = await rawGet("/customers/%E0%A4%A/mandates");
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ status: "Invalid Request", error_code: "bad_request" });
  });
});
