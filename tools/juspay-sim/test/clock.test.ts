import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SimClock } from "../src/clock.js";
import { startSimulator } from "../src/simulator.js";

const clocks: SimClock[] = [];
function clock(timeScale: number, epoch = Date.UTC(2024, 0, 1)): SimClock {
  const c = new SimClock(timeScale, epoch);
  clocks.push(c);
  return c;
}
afterEach(() => {
  for (const c of clocks.splice(0)) c.close();
  vi.restoreAllMocks();
});

describe("SimClock", () => {
  it("starts at its epoch and runs timeScale times faster than real time", async () => {
    const c = clock(1000);
    expect(c.now() - Date.UTC(2024, 0, 1)).toBeLessThan(1000 * 20);
    const before = c.now();
    await sleep(50);
    const elapsed = c.now() - before;
    expect(elapsed).toBeGreaterThanOrEqual(40_000);
    expect(elapsed).toBeLessThan(2_000_000);
  });

  it("rejects a time scale that is not positive", () => {
    expect(() => new SimClock(0)).toThrow("time scale must be positive");
    expect(() => new SimClock(-1)).toThrow("time scale must be positive");
    expect(() => new SimClock(Number.NaN)).toThrow("time scale must be positive");
  });

  it("advance() jumps forward and runs due tasks in time order, ties in insertion order", () => {
    const c = clock(1e-6);
    const t0 = c.now();
    const ran: string[] = [];
    c.after(3000, () => ran.push("c"));
    c.after(1000, () => ran.push("a"));
    c.after(1000, () => ran.push("b"));
    c.after(10_000, () => ran.push("late"));
    expect(c.pending()).toBe(4);
    c.advance(999);
    expect(ran).toEqual([]);
    c.advance(2001);
    expect(ran).toEqual(["a", "b", "c"]);
    expect(c.pending()).toBe(1);
    expect(c.now() - t0).toBeGreaterThanOrEqual(3000);
    expect(c.now() - t0).toBeLessThan(3001);
    expect(() => c.advance(-1)).toThrow("time only moves forward");
  });

  it("runs tasks on its own in scaled real time", async () => {
    const c = clock(10_000);
    const fired = new Promise<number>((resolve) => c.after(60_000, () => resolve(Date.now())));
    const started = Date.now();
    const at = await fired;
    // 60 simulated seconds at 10 000× is 6 real ms.
    expect(at - started).toBeLessThan(500);
  });

  it("runs a task scheduled in the past promptly", async () => {
    const c = clock(1e-6);
    const fired = new Promise<void>((resolve) => c.at(c.now() - 1000, resolve));
    await fired;
  });

  it("keeps going when a task throws", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const c = clock(1e-6);
    const ran: string[] = [];
    c.after(1, () => {
      throw new Error("boom");
    });
    c.after(2, () => ran.push("next"));
    c.advance(5);
    expect(ran).toEqual(["next"]);
    expect(warn).toHaveBeenCalledWith("juspay-sim: scheduled task failed: boom");
  });

  it("close() drops waiting tasks and ignores new ones", () => {
    const c = clock(1e-6);
    const ran: string[] = [];
    c.after(1, () => ran.push("x"));
    c.close();
    c.after(1, () => ran.push("y"));
    expect(c.pending()).toBe(0);
    c.advance(10);
    expect(ran).toEqual([]);
  });
});

describe("simulator clock", () => {
  it("takes --time-scale and is driven by POST /__admin/clock/advance", async () => {
    const sim = await startSimulator({ port: 0, timeScale: 1e-6 });
    try {
      const ran: number[] = [];
      sim.clock.after(90_000, () => ran.push(sim.clock.now()));
      const get = await (await fetch(`${sim.url}/__admin/clock`)).json();
      expect(get).toMatchObject({ timeScale: 1e-6, pendingTasks: 1 });
      const res = await fetch(`${sim.url}/__admin/clock/advance`, { method: "POST", body: JSON.stringify({ ms: 90_000 }) });
      const after = (await res.json()) as { now: number; pendingTasks: number };
      expect(after.pendingTasks).toBe(0);
      expect(ran).toHaveLength(1);
      expect(after.now - (get as { now: number }).now).toBe(90_000);
    } finally {
      await sim.close();
    }
  });
});
