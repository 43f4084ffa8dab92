import { SimClock } from "./clock.js";
import type { SimContext, SimulatorOptions } from "./context.js";
import { FaultPlan } from "./http/faults.js";
import { createHttpServer, type Route } from "./http/server.js";
import { adminRoutes } from "./routes/admin.js";
import { customerRoutes } from "./routes/customers.js";
import { mandateRoutes } from "./routes/mandates.js";
import { orderRoutes } from "./routes/orders.js";
import { sdkRoutes } from "./routes/sdk.js";
import { txnRoutes } from "./routes/txns.js";
import { v4Routes } from "./routes/v4.js";
import { SimJwe } from "./http/jwe.js";
import { Counters } from "./state/counters.js";
import { emptyState, type Order, type SimState } from "./state/model.js";
import { orderRecord } from "./state/order-key.js";
import { loadState, saveState } from "./state/persistence.js";
import { WebhookSender } from "./webhooks/sender.js";

export const DEFAULT_OPTIONS: SimulatorOptions = {
  host: "127.0.0.1",
  port: 8090,
  apiKey: "sim_test_api_key",
  merchantId: "sim_merchant",
  webhookHeaders: {},
  timeScale: 1,
  clientId: "sim_client",
  requireGetContentType: true,
  serveExecutionStatusPath: false,
  implicitCustomers: false,
};

export interface Simulator {
  /** e.g. http://127.0.0.1:8090 */
  readonly url: string;
  readonly options: SimulatorOptions;
  readonly state: SimState;
  readonly clock: SimClock;
  readonly counters: Counters;
  readonly faults: FaultPlan;
  readonly webhooks: WebhookSender;
  readonly routes: readonly Route[];
  /** What routes and engine functions get (options, state, clock, counters, events). */
  readonly context: SimContext;
  /** Empty state, no faults, zeroed counters, empty webhook log (settings and clock stay). */
  reset(): void;
  /** Registers a merchant RSA public key (PEM) under a merchantKeyId for signed SDK payloads. */
  registerMerchantKey(keyId: string, publicKeyPem: string): void;
  /** Registers a merchant RSA public key (PEM) under a JWT key id for the /v4 routes. */
  registerJweKey(keyId: string, publicKeyPem: string): void;
  /** The simulator's "Juspay" public key (PEM) for the /v4 routes: requests are encrypted to it, answers verified with it. */
  readonly jwePublicKeyPem: string;
  /** The order with this id, in any letter case (state.orders is keyed case-insensitively), as last changed. */
  order(orderId: string): Order | undefined;
  close(): Promise<void>;
}

/** `x-routing-id` sent with a value (reference §1.3: the customer id, the same on every call for that customer). */
function hasRoutingId(header: string | string[] | undefined): boolean {
  return typeof header === "string" && header.trim() !== "";
}

/** Starts a simulator in-process (port 0 picks a free port). */
export async function startSimulator(overrides: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  const options: SimulatorOptions = { ...DEFAULT_OPTIONS, ...overrides };
  const state = options.stateFile ? await loadState(options.stateFile) : emptyState();
  const clock = new SimClock(options.timeScale);
  const counters = new Counters();
  const faults = new FaultPlan();
  let dirty = false;
  // The sender reads the context lazily, so it can be built first.
  const webhooks = new WebhookSender(() => ctx);
  const ctx: SimContext = {
    options,
    state,
    clock,
    counters,
    events: webhooks,
    changed: () => {
      dirty = true;
    },
  };

  const plainRoutes = [...orderRoutes(ctx), ...customerRoutes(ctx), ...mandateRoutes(ctx), ...txnRoutes(ctx), ...sdkRoutes(ctx)];
  const jwe = new SimJwe(options.jwePrivateKeyPem);
  const apiRoutes = [...plainRoutes, ...v4Routes(ctx, jwe, plainRoutes)];
  const routes: Route[] = [];
  const server = createHttpServer({
    routes,
    apiKey: options.apiKey,
    merchantId: options.merchantId,
    faults,
    onRequest: (route, req) => {
      counters.countRequest(route.name);
      // Juspay's API routes only (Basic-auth ones and the signed /v4 ones): the SDK side is the app's, admin routes are never counted.
      if (!route.path.startsWith("/sdk/") && !hasRoutingId(req.headers["x-routing-id"])) counters.countMissingRoutingId(route.name);
    },
    onUnrouted: (method, path) => {
      if (!path.startsWith("/__admin/")) counters.countUnrouted(method, path);
    },
    requireGetContentType: options.requireGetContentType,
  });
  const address = await server.listen(options.port, options.host);
  const url = `http://${address.host}:${address.port}`;
  options.publicBaseUrl ??= url;

  // State is written at most every 200 ms of real time, and once at close.
  const saver = options.stateFile
    ? setInterval(() => {
        if (!dirty) return;
        dirty = false;
        void saveState(options.stateFile!, state);
      }, 200)
    : undefined;
  saver?.unref();

  const sim: Simulator = {
    url,
    options,
    state,
    clock,
    counters,
    faults,
    webhooks,
    routes,
    context: ctx,
    reset() {
      // Mutate in place: routes and engines hold this very state object.
      Object.assign(state, emptyState());
      faults.clear();
      counters.reset();
      webhooks.clear();
      ctx.changed();
    },
    get jwePublicKeyPem() {
      return jwe.publicKeyPem;
    },
    registerJweKey(keyId, publicKeyPem) {
      jwe.registerMerchantKey(keyId, publicKeyPem);
    },
    order(orderId) {
      return orderRecord(state, orderId);
    },
    registerMerchantKey(keyId, publicKeyPem) {
      state.merchantKeys[keyId] = publicKeyPem;
      ctx.changed();
    },
    async close() {
      clearInterval(saver);
      clock.close();
      webhooks.close();
      await server.close();
      if (options.stateFile) await saveState(options.stateFile, state);
    },
  };
  routes.push(...apiRoutes, ...adminRoutes(sim));
  return sim;
}
