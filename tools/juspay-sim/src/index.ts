export { startSimulator, DEFAULT_OPTIONS, type Simulator } from "./simulator.js";
export type { SimulatorOptions, WebhookEvent } from "./context.js";
export type { Fault, FaultRule } from "./http/faults.js";
export { SimClock } from "./clock.js";
