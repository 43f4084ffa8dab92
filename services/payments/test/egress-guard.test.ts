import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { EgressRefusedError, egressGuardedFetch } from "../src/egress-guard.js";

// Criterion 37's egress guard: the Juspay client's fetch reaches Juspay's
// origin and nothing else (the payload tests show a return_url is never fetched).

describe("egressGuardedFetch", () => {
  it("reaches the configured origin and refuses every other, before any connection", async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits += 1;
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const refused: string[] = [];
    const guarded = egressGuardedFetch(`http://127.0.0.1:${port}/api`, (origin) => refused.push(origin));
    try {
      expect(await (await guarded(`http://127.0.0.1:${port}/orders/x`)).text()).toBe("ok");
      for (const url of [`http://localhost:${port}/`, "https://shop.example.com/return", "http://169.254.169.254/latest/meta-data", `http://127.0.0.1:${port + 1}/`]) {
        await expect(guarded(url)).rejects.toBeInstanceOf(EgressRefusedError);
      }
      expect(hits).toBe(1);
      expect(refused).toEqual([`http://localhost:${port}`, "https://shop.example.com", "http://169.254.169.254", `http://127.0.0.1:${port + 1}`]);
    } finally {
      server.close();
    }
  });
});
