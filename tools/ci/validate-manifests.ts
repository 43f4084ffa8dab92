import path from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "./manifests/cli.js";

// `npm run validate:manifests` (and CI): renders every kustomization under
// deploy/k8s the way `kubectl apply -k` does, validates each object against
// the Kubernetes schemas (kubernetes-models), the cross-references between
// them, the workload policy, the Secret templates and the alert rules. One
// line per problem (file, Kind/name, field path, what is wrong); exit 1 on
// any. Options in manifests/cli.ts.

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
process.exitCode = await runCli(process.argv.slice(2), repo, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  write: (text) => process.stdout.write(text),
});
