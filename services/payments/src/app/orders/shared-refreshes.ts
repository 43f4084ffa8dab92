import { budgetOver } from "../call-budget.js";
import type { CallBudget } from "../ports.js";
import type { RefreshedOrder } from "./refresh-order.js";

// One Juspay status read in flight per order in this process (ADR 0024): a
// GetOrderStatus arriving while a refresh of the same order is running waits
// for that refresh instead of starting another, so a burst of polls for one
// order costs Juspay one call per replica. Each waiter keeps its own budget:
// when its deadline passes or its caller goes away it stops waiting
// (`undefined`: the caller answers stale), and the shared read is aborted
// only when nobody waits for it any more. Only reads that may be answered
// from a read already under way join; a caller that needs a read started
// after some event (a refund's reconciliation, a webhook) refreshes alone.

interface Flight {
  result: Promise<RefreshedOrder>;
  controller: AbortController;
  waiting: number;
}

export class SharedOrderRefreshes {
  private readonly flights = new Map<string, Flight>();

  /** The refresh of `orderId` under way, or a new one made by `refresh`; undefined when `budget` ran out first. */
  async join(orderId: string, budget: CallBudget, refresh: (budget: CallBudget) => Promise<RefreshedOrder>): Promise<RefreshedOrder | undefined> {
    let flight = this.flights.get(orderId);
    if (flight === undefined) {
      const controller = new AbortController();
      // No deadline of its own: the waiters' budgets bound it (and the Juspay client's default deadline).
      const started: Flight = { result: refresh({ signal: controller.signal }), controller, waiting: 0 };
      started.result.catch(() => undefined).finally(() => this.forget(orderId, started));
      this.flights.set(orderId, started);
      flight = started;
    }
    flight.waiting++;
    const over = budgetOver(budget);
    try {
      return await Promise.race([flight.result, over.promise]);
    } finally {
      over.cancel();
      if (--flight.waiting === 0) {
        // Nobody waits (every caller left or was answered): a read still running is for no one.
        this.forget(orderId, flight);
        flight.controller.abort();
      }
    }
  }

  private forget(orderId: string, flight: Flight): void {
    if (this.flights.get(orderId) === flight) this.flights.delete(orderId);
  }
}
