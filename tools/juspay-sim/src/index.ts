// The simulator's programmatic API (see README.md, "Programmatic").
export { startSimulator, DEFAULT_OPTIONS, type Simulator } from "./simulator.js";
export type { SimulatorOptions, WebhookEvent } from "./context.js";
export type { Fault, FaultRule } from "./http/faults.js";
export { SimClock } from "./clock.js";
export type { Delivery, DeliveryAttempt, DeliveryState } from "./webhooks/sender.js";
export type { WebhookSettings, WebhookSettingsPatch } from "./webhooks/settings.js";
export { RETRY_DELAYS_MS } from "./webhooks/schedule.js";
export type { Outcome, PaymentMethodType } from "./state/model.js";
export { setRefundOutcome } from "./engine/refunds.js";
export { payOrder, type PaymentRequest } from "./engine/orders.js";
