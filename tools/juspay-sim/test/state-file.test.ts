import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSimulator } from "../src/simulator.js";
import type { Customer, SimState } from "../src/state/model.js";

// --state-file: loaded at start, saved while running (at most every 200 ms)
// and at close. The CLI's SIGTERM path is covered in cli.test.ts.

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "juspay-sim-state-"));
  file = join(dir, "state.json");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const pem = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }).toString();
const customer = { id: "cth_1", objectReferenceId: "cust-1", mobileNumber: "9999999999" } as Customer;

async function readState(): Promise<SimState> {
  return JSON.parse(await readFile(file, "utf8")) as SimState;
}

describe("state file", () => {
  it("survives a restart", async () => {
    const first = await startSimulator({ port: 0, stateFile: file });
    const res = await fetch(`${first.url}/__admin/merchant-keys`, { method: "POST", body: JSON.stringify({ keyId: "key_1", publicKeyPem: pem }) });
    expect(res.status).toBe(200);
    first.state.customers.cth_1 = customer;
    first.context.changed();
    await first.close();
    expect((await readState()).merchantKeys.key_1).toBe(pem);

    const second = await startSimulator({ port: 0, stateFile: file });
    try {
      const state = (await (await fetch(`${second.url}/__admin/state`)).json()) as SimState;
      expect(state.merchantKeys).toEqual({ key_1: pem });
      expect(state.customers).toEqual({ cth_1: customer });
    } finally {
      await second.close();
    }
  });

  it("is written while running, not only at close", async () => {
    const sim = await startSimulator({ port: 0, stateFile: file });
    try {
      sim.registerMerchantKey("key_live", pem);
      for (let i = 0; i < 50; i++) {
        const saved = await readState().catch(() => undefined);
        if (saved?.merchantKeys.key_live) return;
        await sleep(50);
      }
      throw new Error("state file not written within 2.5 s");
    } finally {
      await sim.close();
    }
  });

  it("starts empty when the file does not exist, and a reset is saved too", async () => {
    const sim = await startSimulator({ port: 0, stateFile: file });
    expect(sim.state.orders).toEqual({});
    sim.registerMerchantKey("key_1", pem);
    await fetch(`${sim.url}/__admin/reset`, { method: "POST" });
    await sim.close();
    expect((await readState()).merchantKeys).toEqual({});
  });

  it("refuses to start on a corrupt file rather than overwrite it", async () => {
    await writeFile(file, "{not json");
    await expect(startSimulator({ port: 0, stateFile: file })).rejects.toThrow(SyntaxError);
    expect(await readFile(file, "utf8")).toBe("{not json");
  });
});
