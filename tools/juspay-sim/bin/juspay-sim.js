#!/usr/bin/env node
// `npx juspay-sim`: runs the compiled CLI when the package is built, else the
// TypeScript sources through tsx (a dev dependency of the workspace).
import { existsSync } from "node:fs";

const compiled = new URL("../dist/main.js", import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../src/main.ts", import.meta.url).href);
}
