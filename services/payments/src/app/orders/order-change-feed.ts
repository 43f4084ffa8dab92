import { EventEmitter } from "node:events";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.js";
import type { OrderChangeNotifier } from "../context.js";

// Tells WatchOrder streams that an order changed. A change made by this
// process is announced at once; a change made by another replica is found by
// polling the versions of the orders being watched (one query per interval
// for all of them), so streams work across replicas with Postgres alone.

export interface OrderChangeFeedOptions {
  /** How often watched orders' versions are read (default 500 ms). */
  pollIntervalMs?: number;
  onError?: (err: unknown) => void;
}

export class OrderChangeFeed implements OrderChangeNotifier {
  private readonly emitter = new EventEmitter();
  /** Watched order id -> highest version seen by the poller. */
  private readonly watched = new Map<string, { version: bigint | null; watchers: number }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly pollIntervalMs: number;
  private readonly onError: (err: unknown) => void;
  private polling = false;

  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    options: OrderChangeFeedOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.onError = options.onError ?? (() => {});
    this.emitter.setMaxListeners(0);
  }

  published(orderId: string): void {
    this.emitter.emit(orderId);
  }

  /** Calls `listener` whenever the order may have changed; returns the unsubscribe function. */
  subscribe(orderId: string, listener: () => void): () => void {
    this.emitter.on(orderId, listener);
    const entry = this.watched.get(orderId) ?? { version: null, watchers: 0 };
    entry.watchers += 1;
    this.watched.set(orderId, entry);
    this.timer ??= setInterval(() => void this.poll(), this.pollIntervalMs);
    return () => {
      this.emitter.off(orderId, listener);
      entry.watchers -= 1;
      if (entry.watchers === 0) this.watched.delete(orderId);
      if (this.watched.size === 0) this.stop();
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling || this.watched.size === 0) return;
    this.polling = true;
    try {
      const rows = await this.db.selectFrom("orders").select(["order_id", "version"]).where("order_id", "in", [...this.watched.keys()]).execute();
      for (const row of rows) {
        const entry = this.watched.get(row.order_id);
        if (entry === undefined) continue;
        const moved = entry.version !== null && row.version > entry.version;
        entry.version = row.version;
        if (moved) this.emitter.emit(row.order_id);
      }
    } catch (err) {
      this.onError(err);
    } finally {
      this.polling = false;
    }
  }
}
