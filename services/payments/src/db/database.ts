import { mkdir } from "node:fs/promises";
import { Kysely, PGliteDialect, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { PGlite, types as pgliteTypes } from "@electric-sql/pglite";
import { DATABASE_TIMEOUT_DEFAULTS, type DatabaseConfig } from "../config.js";
import type { DatabaseSchema } from "./schema.js";

export interface Database {
  readonly kind: DatabaseConfig["kind"];
  readonly db: Kysely<DatabaseSchema>;
  /** True when a trivial query answers within the timeout. Never throws. */
  ping(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

const INT8_OID = 20;

/**
 * Opens the configured database: a pg pool for a real server, or PGlite
 * (Postgres in WebAssembly, in-process) persisted to a folder or in memory.
 * Both read int8 as bigint, so money never passes through a float.
 */
export async function openDatabase(config: DatabaseConfig, onPoolError: (err: Error) => void = () => {}): Promise<Database> {
  if (config.kind === "postgres") {
    // Bounded waits (ADR 0016): a full pool or an unreachable server fails the
    // call with UNAVAILABLE instead of queueing it; a stuck statement or an
    // abandoned transaction cannot hold a connection (and its locks) for long.
    // PGlite has no pool and no other sessions, so none of this applies there.
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize,
      connectionTimeoutMillis: config.acquireTimeoutMs ?? DATABASE_TIMEOUT_DEFAULTS.acquireTimeoutMs,
      // Sent in the startup message of every connection; 0 sends nothing (the server's setting applies).
      statement_timeout: config.statementTimeoutMs ?? DATABASE_TIMEOUT_DEFAULTS.statementTimeoutMs,
      idle_in_transaction_session_timeout: config.idleInTransactionTimeoutMs ?? DATABASE_TIMEOUT_DEFAULTS.idleInTransactionTimeoutMs,
      types: {
        getTypeParser: ((oid: number, format?: "text" | "binary") =>
          oid === INT8_OID ? (v: string) => BigInt(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client losing its connection (database restart) emits here;
    // unhandled, it would crash the process.
    pool.on("error", onPoolError);
    // A checked-out client has no pool listener: its connection ending between
    // queries (a restart, pg_terminate_backend, idle_in_transaction_session_timeout)
    // would crash the process. Its current or next query fails instead, and
    // the pool discards it on release.
    pool.on("connect", (client) => client.on("error", ignoreConnectionError));
    return wrap("postgres", new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) }));
  }
  if (config.dataDir !== undefined) await mkdir(config.dataDir, { recursive: true });
  return pgliteDatabase(await PGlite.create({ dataDir: config.dataDir, parsers: PGLITE_PARSERS }));
}

/** How every PGlite instance reads int8: as bigint, like the pg pool above. */
export const PGLITE_PARSERS = { [pgliteTypes.INT8]: (v: string) => BigInt(v) };

/** The Database over an open PGlite instance (created with PGLITE_PARSERS); closing it closes the instance. */
export function pgliteDatabase(pglite: PGlite): Database {
  return wrap("pglite", new Kysely<DatabaseSchema>({ dialect: new PGliteDialect({ pglite }) }));
}

function ignoreConnectionError(): void {}

function wrap(kind: DatabaseConfig["kind"], db: Kysely<DatabaseSchema>): Database {
  return {
    kind,
    db,
    async ping(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const query = sql`select 1`.execute(db).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([query, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => db.destroy(),
  };
}
