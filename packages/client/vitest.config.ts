import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.js";

// The client's tests live in services/payments/test/client: they run the
// client against the real service, and a devDependency of the client on the
// service would make Nx's build graph circular (service -> client -> service).
// `nx run @payments/client:test` (as `nx affected -t test` runs it) therefore
// finds no test here and must not fail for it; the service's tests, which nx
// also counts as affected by a change to the client, run them.
export default mergeConfig(shared, defineConfig({ test: { name: "client", passWithNoTests: true } }));
