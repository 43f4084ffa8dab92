import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../manifests/cli.js";
import { formatProblem } from "../manifests/problems.js";
import { validateDeployment } from "../manifests/validate.js";

// The deployment validator accepts the repository's manifests and rejects
// each kind of mistake it exists for, in a copy of them broken one way at a
// time; the CLI exits non-zero and names file, object and field.

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
let pristine: string;

beforeAll(async () => {
  pristine = await mkdtemp(path.join(tmpdir(), "manifests-"));
  for (const dir of ["deploy", "docs/runbook.md", "services/payments/src"]) {
    await cp(path.join(repo, dir), path.join(pristine, dir), { recursive: true });
  }
});
afterAll(async () => {
  await rm(pristine, { recursive: true, force: true });
});

/** A fresh copy with one file edited (the edit must change it). */
async function brokenCopy(file: string, edit: (text: string) => string): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "manifests-broken-"));
  await cp(pristine, root, { recursive: true });
  const before = await readFile(path.join(root, file), "utf8");
  const after = edit(before);
  expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
  await writeFile(path.join(root, file), after);
  return root;
}

async function problemsOf(root: string): Promise<string[]> {
  return (await validateDeployment(root)).problems.map(formatProblem);
}

it("accepts the repository's manifests, Secret templates and alert rules", async () => {
  const result = await validateDeployment(repo);
  expect(result.problems.map(formatProblem)).toEqual([]);
  expect(result.renders.map((r) => r.kustomization).sort()).toEqual(["deploy/k8s/kustomization.yaml", "deploy/k8s/migrate/kustomization.yaml"]);
});

const DEPLOY = "deploy/k8s/payments/deployment.yaml";
const cases: { name: string; file: string; edit: (t: string) => string; expected: string }[] = [
  {
    name: "a misspelt field the schema does not know",
    file: DEPLOY,
    edit: (t) => t.replace("readinessProbe:", "readinesProbe:"),
    expected: "deploy/k8s/payments/deployment.yaml: Deployment/payments spec.template.spec.containers[0].readinesProbe: is not a field of this kind",
  },
  {
    name: "a value of the wrong type",
    file: "deploy/k8s/payments/hpa.yaml",
    edit: (t) => t.replace("maxReplicas: 10", 'maxReplicas: "10"'),
    expected: "HorizontalPodAutoscaler/payments spec.maxReplicas: must be integer",
  },
  {
    name: "an apiVersion the API no longer serves",
    file: "deploy/k8s/webhook-bridge/pdb.yaml",
    edit: (t) => t.replace("policy/v1", "policy/v1beta1"),
    expected: "PodDisruptionBudget/webhook-bridge apiVersion: policy/v1beta1 was removed from the Kubernetes API in 1.25",
  },
  {
    name: "a kind that does not exist",
    file: "deploy/k8s/webhook-bridge/pdb.yaml",
    edit: (t) => t.replace("kind: PodDisruptionBudget", "kind: PodDisruptionBudgets"),
    expected: 'PodDisruptionBudgets/webhook-bridge: apiVersion "policy/v1" kind "PodDisruptionBudgets" is not a Kubernetes API object',
  },
  {
    name: "a Service selecting no pod",
    file: "deploy/k8s/payments/service.yaml",
    edit: (t) => t.replace("app.kubernetes.io/component: server", "app.kubernetes.io/component: sever"),
    expected: "Service/payments spec.selector: matches the pods of no workload",
  },
  {
    name: "a secretKeyRef to a Secret nobody creates",
    file: DEPLOY,
    edit: (t) => t.replace("name: payments-juspay", "name: payments-juspay-key"),
    expected: "spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef: Secret payments-juspay-key is not defined",
  },
  {
    name: "a secretKeyRef key the Secret does not hold",
    file: "deploy/k8s/migrate/job.yaml",
    edit: (t) => t.replace("name: payments-database-migrate\n                  key: DATABASE_URL", "name: payments-database-migrate\n                  key: DATABASE_URI"),
    expected: "Job/payments-migrate spec.template.spec.containers[0].env[4].valueFrom.secretKeyRef.key: Secret payments-database-migrate has no key DATABASE_URI",
  },
  {
    name: "a gRPC probe on a port the container does not open",
    file: DEPLOY,
    edit: (t) => t.replace(/readinessProbe:\n(\s+)grpc:\n(\s+)port: 50051/, "readinessProbe:\n$1grpc:\n$2port: 50052"),
    expected: "spec.template.spec.containers[0].readinessProbe.grpc.port: 50052 is not a port of the container",
  },
  {
    name: "a migration Job running another release than the Deployment",
    file: "deploy/k8s/migrate/kustomization.yaml",
    edit: (t) => t.replace('newTag: "0.1.0"', 'newTag: "0.2.0"'),
    expected: "maps payments-service to registry.example.com/payments/payments-service:0.2.0, but",
  },
  {
    name: "an image no kustomization pins",
    file: "deploy/k8s/webhook-bridge/deployment.yaml",
    edit: (t) => t.replace("image: payments-webhook-bridge", "image: payments-bridge"),
    expected: 'spec.template.spec.containers[0].image: renders as "payments-bridge"',
  },
  {
    name: "a writable root filesystem",
    file: DEPLOY,
    edit: (t) => t.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"),
    expected: "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem: must be true",
  },
  {
    name: "a grace period shorter than the shutdown",
    file: DEPLOY,
    edit: (t) => t.replace("terminationGracePeriodSeconds: 60", "terminationGracePeriodSeconds: 30"),
    expected: "Deployment/payments spec.template.spec.terminationGracePeriodSeconds: 30 s does not cover",
  },
  {
    name: "a real value in a Secret template",
    file: "deploy/k8s/secrets/secrets.template.yaml",
    edit: (t) => t.replace(`JUSPAY_API_KEY: "<the live API key from Juspay's dashboard>"`, "JUSPAY_API_KEY: live_0123456789abcdef"),
    expected: "Secret/payments-juspay stringData.JUSPAY_API_KEY: must be a <placeholder>",
  },
  {
    name: "a URL to a Service port that does not exist",
    file: "deploy/k8s/webhook-bridge/config-map.yaml",
    edit: (t) => t.replace("svc.cluster.local:50051", "svc.cluster.local:50052"),
    expected: "ConfigMap/webhook-bridge-config data.PAYMENTS_URL: Service payments has no port 50052",
  },
  {
    name: "a network policy that selects nothing",
    file: "deploy/k8s/network-policies.yaml",
    edit: (t) => t.replace("app.kubernetes.io/component: migrate", "app.kubernetes.io/component: migration"),
    expected: "NetworkPolicy/payments-migrate-egress spec.podSelector: selects no pod",
  },
  {
    name: "an alert on a metric the service does not define",
    file: "deploy/prometheus/payments-alerts.yaml",
    edit: (t) => t.replace("max(payments_refunds_manual_review)", "max(payments_refund_manual_review)"),
    expected: "PaymentsRefundManualReview expr: uses payments_refund_manual_review, which the service does not define",
  },
  {
    name: "an alert linking a runbook section that does not exist",
    file: "deploy/prometheus/payments-alerts.yaml",
    edit: (t) => t.replace("docs/runbook.md#paymentsjobsbacklog", "docs/runbook.md#jobs-backlog"),
    expected: "PaymentsJobsBacklog annotations.runbook_url: docs/runbook.md has no section #jobs-backlog",
  },
];

describe("rejects", () => {
  it.each(cases)("$name", async ({ file, edit, expected }) => {
    const root = await brokenCopy(file, edit);
    try {
      const problems = await problemsOf(root);
      expect(problems.some((p) => p.includes(expected)), `expected a problem containing\n  ${expected}\ngot\n  ${problems.join("\n  ")}`).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("a manifest file no kustomization applies", async () => {
    const root = await brokenCopy("deploy/k8s/kustomization.yaml", (t) => t.replace("  - payments/pdb.yaml\n", ""));
    try {
      expect(await problemsOf(root)).toContain("deploy/k8s/payments/pdb.yaml: file: is in no kustomization's resources, so it is never applied (add it, or delete it)");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

it("the CLI exits 1 and prints file, object and field path for a broken copy", async () => {
  const root = await brokenCopy(DEPLOY, (t) => t.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"));
  try {
    const cli = path.join(repo, "tools/ci/validate-manifests.ts");
    const tsx = path.join(repo, "node_modules/.bin/tsx");
    const run = promisify(execFile)(tsx, [cli, "--root", root]);
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        "deploy/k8s/payments/deployment.yaml: Deployment/payments spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem: must be true",
      ),
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

it("--render prints the kustomization's objects as YAML, images pinned", async () => {
  let yaml = "";
  const lines: string[] = [];
  const status = await runCli(["--render", "deploy/k8s/migrate"], repo, { out: (l) => lines.push(l), err: (l) => lines.push(l), write: (t) => (yaml += t) });
  expect(status).toBe(0);
  expect(yaml).toContain("kind: Job");
  expect(yaml).toContain("image: registry.example.com/payments/payments-service:0.1.0");
  expect(lines.at(-1)).toMatch(/^manifests valid/);
});
