import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { openDatabase, pgliteDatabase, PGLITE_PARSERS, type Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { adminQuery, databaseExists } from "./postgres-admin.js";

// Test databases copied from templates instead of built each time. A new
// PGlite runs initdb, several seconds of CPU in WebAssembly, and nearly every
// test file then applied every migration. Here initdb runs once per PGlite
// version and the migrations once per set of migrations: PGlite's templates
// are data directory dumps cached on disk (node_modules/.cache, 4 MB each),
// PostgreSQL's is a template database on the server. Each test still gets a database of
// its own. The cache keys hold everything that decides a template's content.

const serviceDir = fileURLToPath(new URL("../..", import.meta.url));
const cacheDir = join(serviceDir, "../../node_modules/.cache/payments-tests");

/** A PGlite as fresh from initdb, in memory or in `dataDir` (an empty or missing folder). */
export async function openEmptyPglite(dataDir?: string): Promise<Database> {
  return pgliteDatabase(await PGlite.create({ dataDir, loadDataDir: await pgliteDump("empty"), parsers: PGLITE_PARSERS }));
}

/** A PGlite with every migration applied, in memory or in `dataDir` (an empty or missing folder, for a service process to open once this one is closed). */
export async function openMigratedPglite(dataDir?: string): Promise<Database> {
  return pgliteDatabase(await PGlite.create({ dataDir, loadDataDir: await pgliteDump("migrated"), parsers: PGLITE_PARSERS }));
}

/** Creates database `name` on the server as a copy of the migrated template database (made the first time). */
export async function createMigratedPostgresDatabase(serverUrl: string, name: string): Promise<void> {
  postgresTemplateOnce ??= postgresTemplate(serverUrl);
  await adminQuery(serverUrl, `create database ${name} template ${await postgresTemplateOnce}`);
}

type Template = "empty" | "migrated";
/** The type PGlite's loadDataDir recognizes as a compressed tar. */
const GZIP = "application/x-gzip";
const dumps = new Map<Template, Promise<Blob>>();

/** A template's data directory as a tar: read from the cache, else built and written there. */
function pgliteDump(template: Template): Promise<Blob> {
  let dump = dumps.get(template);
  if (dump === undefined) {
    dump = (async () => {
      const file = join(cacheDir, `pglite-${template}-${await cacheKey(template)}.tar.gz`);
      if (existsSync(file)) return new Blob([await readFile(file)], { type: GZIP });
      const built = await buildPgliteDump(template);
      // Written under another name, then renamed: a file running in parallel reads a whole dump or none.
      await mkdir(cacheDir, { recursive: true });
      const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
      await writeFile(partial, new Uint8Array(await built.arrayBuffer()));
      await rename(partial, file);
      return built;
    })();
    dumps.set(template, dump);
  }
  return dump;
}

async function buildPgliteDump(template: Template): Promise<Blob> {
  const pglite = template === "empty" ? await PGlite.create({ parsers: PGLITE_PARSERS }) : await PGlite.create({ loadDataDir: await pgliteDump("empty"), parsers: PGLITE_PARSERS });
  const database = pgliteDatabase(pglite);
  try {
    if (template === "migrated") await migrateToLatest(database.db);
    // Compressed: a tenth of the size, and it loads a little faster than the plain tar.
    return new Blob([await (await pglite.dumpDataDir("gzip")).arrayBuffer()], { type: GZIP });
  } finally {
    await database.close();
  }
}

let postgresTemplateOnce: Promise<string> | undefined;

/**
 * The migrated template database's name, created if missing: built under a
 * name of its own, then renamed, so a file running in parallel never copies a
 * half-migrated one (when two build at once, one rename wins and the other
 * drops its copy). Nothing connects to it afterwards, as copying requires.
 */
async function postgresTemplate(serverUrl: string): Promise<string> {
  const name = `payments_template_${await cacheKey("migrated")}`;
  if (await databaseExists(serverUrl, name)) return name;
  const building = `${name}_${randomBytes(4).toString("hex")}`;
  await adminQuery(serverUrl, `create database ${building}`);
  const url = new URL(serverUrl);
  url.pathname = `/${building}`;
  const database = await openDatabase({ kind: "postgres", url: url.toString(), poolSize: 1 });
  try {
    await migrateToLatest(database.db);
  } finally {
    await database.close();
  }
  try {
    await adminQuery(serverUrl, `alter database ${building} rename to ${name}`);
  } catch (err) {
    await adminQuery(serverUrl, `drop database if exists ${building} with (force)`);
    if (!(await databaseExists(serverUrl, name))) throw err;
  }
  return name;
}

/** Hash of what decides a template's content: the PGlite version, and for the migrated one the migrations, the migrator and kysely's version. */
async function cacheKey(template: Template): Promise<string> {
  const hash = createHash("sha256").update(`@electric-sql/pglite@${await packageVersion("@electric-sql/pglite")}`);
  if (template === "migrated") {
    const migrationsDir = join(serviceDir, "src/db/migrations");
    const files = [...(await readdir(migrationsDir)).sort().map((f) => join(migrationsDir, f)), join(serviceDir, "src/db/migrate.ts")];
    for (const file of files) hash.update(file.slice(serviceDir.length)).update(await readFile(file));
    hash.update(`kysely@${await packageVersion("kysely")}`);
  }
  return hash.digest("hex").slice(0, 16);
}

async function packageVersion(name: string): Promise<string> {
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const json = JSON.parse(await readFile(file, "utf8")) as { name?: string; version?: string };
      if (json.name === name && json.version) return json.version;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json found for ${name}`);
    dir = dirname(dir);
  }
}
