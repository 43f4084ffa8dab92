import { checkAlertRules } from "./alert-rules.js";
import { checkCrossReferences } from "./cross-refs.js";
import { loadManifests, type Rendered } from "./load.js";
import { checkGracePeriods, checkImages, checkWorkloadPolicy } from "./policy.js";
import type { Problem } from "./problems.js";
import { checkSchemas } from "./schema.js";
import { checkSecretTemplates } from "./secret-templates.js";

// Everything the deployment validator checks, over a repository root (CI
// passes the checkout; the tests pass a broken copy).

export const DEFAULT_LAYOUT = {
  k8sDir: "deploy/k8s",
  rulesDir: "deploy/prometheus",
  metricSources: "services/payments/src",
};

export interface ValidationResult {
  problems: Problem[];
  /** What each top-level kustomization renders (for the summary and --render). */
  renders: Rendered[];
  secretTemplates: number;
}

export async function validateDeployment(root: string, layout = DEFAULT_LAYOUT): Promise<ValidationResult> {
  const loaded = await loadManifests(root, layout.k8sDir);
  const problems = [...loaded.problems];
  if (loaded.renders.length === 0) problems.push({ file: layout.k8sDir, subject: "folder", path: "", message: "has no kustomization.yaml to render" });
  // An object rendered by two kustomizations is checked once for its own shape.
  const distinct = new Map(loaded.renders.flatMap((r) => r.objects).map((o) => [`${o.file}#${o.doc}`, o]));
  problems.push(...(await checkSchemas([...distinct.values(), ...loaded.secretTemplates])));
  problems.push(...checkSecretTemplates(loaded.secretTemplates));
  problems.push(...checkWorkloadPolicy([...distinct.values()]));
  // The cluster holds every render at once (the Job's render leans on the
  // base's namespace, ServiceAccount and policies), so references resolve across them.
  problems.push(...checkCrossReferences([...distinct.values()], loaded.secretTemplates));
  problems.push(...checkGracePeriods([...distinct.values()]));
  problems.push(...checkImages(loaded.renders, loaded.kustomizations));
  problems.push(...(await checkAlertRules({ root, rulesDir: layout.rulesDir, metricSources: layout.metricSources })));
  return { problems: dedupe(problems), renders: loaded.renders, secretTemplates: loaded.secretTemplates.length };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}|${p.subject}|${p.path}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
