import path from "node:path";
import { stringify } from "yaml";
import { subjectOf } from "./objects.js";
import { formatProblem } from "./problems.js";
import { validateDeployment } from "./validate.js";

// The command line of tools/ci/validate-manifests.ts, importable so the
// compiler and the tests see it:
//   (no arguments)                 validate the repository at `defaultRoot`
//   --root <dir>                   validate another checkout (the tests' broken copies)
//   --render <kustomization.yaml>  also print what that kustomization renders (for `kubectl apply -f -`)
// Returns the exit status: 0 valid, 1 problems found, 2 bad arguments.

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
  /** Rendered YAML (stdout). */
  write(text: string): void;
}

export async function runCli(args: string[], defaultRoot: string, io: CliOutput): Promise<number> {
  const rootIndex = args.indexOf("--root");
  const root = rootIndex >= 0 ? path.resolve(args[rootIndex + 1] ?? ".") : defaultRoot;
  const result = await validateDeployment(root);

  const renderIndex = args.indexOf("--render");
  // With --render, stdout carries only YAML; the summary goes to stderr.
  const say = renderIndex >= 0 ? io.err : io.out;
  if (renderIndex >= 0) {
    const wanted = path.posix.normalize(args[renderIndex + 1] ?? "deploy/k8s/kustomization.yaml");
    const rendered = result.renders.find((r) => r.kustomization === wanted || path.posix.dirname(r.kustomization) === wanted);
    if (rendered === undefined) {
      io.err(`no top-level kustomization ${wanted}; there are: ${result.renders.map((r) => r.kustomization).join(", ")}`);
      return 2;
    }
    io.write(rendered.objects.map((o) => stringify(o.object)).join("---\n"));
  }
  for (const r of result.renders) say(`${r.kustomization}: ${r.objects.length} objects (${r.objects.map((o) => subjectOf(o.object)).join(", ")})`);
  say(`Secret templates: ${result.secretTemplates}`);
  if (result.problems.length > 0) {
    io.err(`\n${result.problems.length} problem(s):`);
    for (const p of result.problems) io.err(`  ${formatProblem(p)}`);
    return 1;
  }
  say("manifests valid: schemas, cross-references, workload policy, images, Secret templates, alert rules");
  return 0;
}
