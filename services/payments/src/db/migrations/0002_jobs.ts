import { sql, type Kysely } from "kysely";

// Background jobs (River-like): enqueued in the business transaction, claimed
// with FOR UPDATE SKIP LOCKED so any number of replicas can work the table.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("jobs")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("state", "text", (c) =>
      c.notNull().defaultTo("available").check(sql`state in ('available', 'running', 'completed', 'retryable', 'discarded', 'cancelled')`),
    )
    .addColumn("attempt", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (c) => c.notNull().defaultTo(25).check(sql`max_attempts > 0`))
    .addColumn("run_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("locked_at", "timestamptz")
    .addColumn("locked_by", "text")
    .addColumn("last_error", "text")
    .addColumn("unique_key", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("finished_at", "timestamptz")
    .execute();
  // The claim query's access path: only runnable rows are indexed, so the
  // index stays small however many finished jobs the table keeps.
  await db.schema
    .createIndex("jobs_claim_idx")
    .on("jobs")
    .columns(["run_at", "id"])
    .where(sql.ref("state"), "in", sql`('available', 'retryable')`)
    .execute();
  // A unique job exists once while live; after it finishes it may be enqueued again.
  await db.schema
    .createIndex("jobs_unique_key_live_idx")
    .on("jobs")
    .column("unique_key")
    .unique()
    .where(sql<boolean>`state not in ('completed', 'discarded', 'cancelled')`)
    .execute();
  // The rescuer's scan of running jobs.
  await db.schema
    .createIndex("jobs_running_locked_at_idx")
    .on("jobs")
    .column("locked_at")
    .where(sql.ref("state"), "=", "running")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("jobs").execute();
}
