import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { emptyState, type SimState } from "./model.js";
import { orderKey } from "./order-key.js";

// --state-file: the whole state as one JSON document, written atomically
// (temp file + rename) so a crash never leaves half a file.

export async function loadState(file: string): Promise<SimState> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw err;
  }
  const state: SimState = { ...emptyState(), ...(JSON.parse(text) as Partial<SimState>) };
  // Files written before orders were keyed case-insensitively keep the created spelling as key.
  state.orders = Object.fromEntries(Object.values(state.orders).map((order) => [orderKey(order.orderId), order]));
  return state;
}

export async function saveState(file: string, state: SimState): Promise<void> {
  // A temp name per write: a periodic save and the one at close may overlap.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, JSON.stringify(state));
  await rename(temp, file);
}
