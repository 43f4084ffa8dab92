import type { JuspayOrder } from "@payments/juspay";
import type { JuspayApi } from "../../src/app/ports.js";

// Stands between the service and Juspay's Order Status API, so a test can
// hold one answer on its way back (a slow network) and let it through when it
// chooses: the way a poll's older answer reaches us after a webhook's newer one.
// Every other call passes straight through.

export interface HeldAnswer {
  /** Juspay's answer, once it has arrived and is being held. */
  arrived: Promise<JuspayOrder>;
  /** Lets the held answer on to the service. */
  release(): void;
}

export class OrderStatusGate {
  private readonly armed = new Map<string, { arrived: (answer: JuspayOrder) => void; released: Promise<void> }>();

  /** The service's Juspay client with order status answers passing this gate (StackOptions.wrapJuspay). */
  readonly wrap = (real: JuspayApi): JuspayApi => ({
    ...real,
    orders: {
      status: async (...args) => {
        const answer = await real.orders.status(...args);
        const hold = this.armed.get(args[0]);
        if (hold === undefined) return answer;
        this.armed.delete(args[0]);
        hold.arrived(answer);
        await hold.released;
        return answer;
      },
      update: (...args) => real.orders.update(...args),
      refund: (...args) => real.orders.refund(...args),
    },
  });

  /** Holds the next order status answer for `orderId`. */
  hold(orderId: string): HeldAnswer {
    let arrived!: (answer: JuspayOrder) => void;
    let release!: () => void;
    const answer = new Promise<JuspayOrder>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.armed.set(orderId, { arrived, released });
    return { arrived: answer, release };
  }
}
