import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

// A process entry point (src/main.ts of the service or the bridge) as one
// JavaScript file, for tests that start and kill those processes many times.
// `node --import tsx src/main.ts` spends about 3 s of CPU before it listens,
// most of it in tsx's module hooks resolving and loading every module one by
// one; the same sources bundled start in about a third of that. The bundle is
// built by esbuild (what tsx transpiles with) from the sources as they are,
// with the same "@payments/source" condition, once per test file; packages
// from node_modules stay imports of their own. The entry points as the images
// run them (tsc's output, module by module) are started by the image dry run
// in CI, and `npm start` runs them through tsx.

const repoRoot = fileURLToPath(new URL("../../../..", import.meta.url));
// Inside the repository, so the bundle's imports of packages resolve from its node_modules.
const bundleDir = join(repoRoot, "node_modules/.cache/payments-tests/bundles");
const bundles = new Map<string, Promise<string>>();

/** The path of a bundle of `entry` (an absolute path to a .ts file), built the first time. */
export function entryBundle(entry: string): Promise<string> {
  let bundle = bundles.get(entry);
  if (bundle === undefined) {
    bundle = bundleOf(entry);
    bundles.set(entry, bundle);
  }
  return bundle;
}

async function bundleOf(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    target: `node${process.versions.node.split(".")[0]}`,
    conditions: ["@payments/source"],
    logLevel: "silent",
    plugins: [
      {
        name: "workspace-sources-only",
        setup(b) {
          // Bare imports other than our workspace packages stay imports, resolved by Node at run time as under tsx.
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@payments/") ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
  const code = result.outputFiles[0]!.contents;
  // Named by content: the same sources give the same file, which files running in parallel may share.
  const file = join(bundleDir, `${createHash("sha256").update(entry).update(code).digest("hex").slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    await mkdir(bundleDir, { recursive: true });
    const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    await writeFile(partial, code);
    await rename(partial, file);
  }
  return file;
}
