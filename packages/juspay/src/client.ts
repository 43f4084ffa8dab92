import { resolveConfig, type JuspayClientConfig, type ResolvedConfig } from "./config.js";
import type { CircuitStateName } from "./http/circuit-breaker.js";
import { RequestSender } from "./http/request-sender.js";
import { CustomersResource } from "./resources/customers.js";
import { MandatesResource } from "./resources/mandates.js";
import { NotificationsResource } from "./resources/notifications.js";
import { OrdersResource } from "./resources/orders.js";
import { RefundsResource } from "./resources/refunds.js";
import { SessionsResource } from "./resources/sessions.js";
import { TxnsResource } from "./resources/txns.js";

/**
 * Juspay's server APIs, typed. Knows Juspay's wire format and nothing of our
 * database or proto. Every method takes CallOptions last (signal, deadline,
 * timeoutMs, routingId) and throws a JuspayError subclass on failure.
 */
export class JuspayClient {
  readonly orders: OrdersResource;
  readonly refunds: RefundsResource;
  readonly customers: CustomersResource;
  readonly sessions: SessionsResource;
  readonly mandates: MandatesResource;
  readonly txns: TxnsResource;
  readonly notifications: NotificationsResource;
  private readonly sender: RequestSender;
  private readonly config: ResolvedConfig;

  constructor(config: JuspayClientConfig) {
    this.config = resolveConfig(config);
    this.sender = new RequestSender(this.config);
    const ctx = {
      sender: this.sender,
      merchantId: this.config.merchantId,
      jwe: this.config.jwe !== null,
      executionStatusPath: this.config.executionStatusPath,
    };
    this.orders = new OrdersResource(ctx);
    this.refunds = new RefundsResource(ctx);
    this.customers = new CustomersResource(ctx);
    this.sessions = new SessionsResource(ctx);
    this.mandates = new MandatesResource(ctx);
    this.txns = new TxnsResource(ctx, this.orders);
    this.notifications = new NotificationsResource(ctx);
  }

  get baseUrl(): string {
    return this.config.baseUrl;
  }

  /** State of the circuit breaker for this client's base URL. */
  get circuitState(): CircuitStateName {
    return this.sender.circuit.state;
  }

  // Never print the key: console.log(client) and util.inspect show this.
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.config.baseUrl, merchantId: this.config.merchantId, version: this.config.version, jwe: this.config.jwe !== null };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `JuspayClient ${JSON.stringify(this.toJSON())}`;
  }
}

export function createJuspayClient(config: JuspayClientConfig): JuspayClient {
  return new JuspayClient(config);
}
