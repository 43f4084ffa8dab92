import { parseImage, type Kustomization, type Rendered } from "./load.js";
import { at, containersOf, kindOf, list, namespaceOf, podSpecOf, str, stringMap, subjectOf, type JsonObject, type SourcedObject } from "./objects.js";
import type { Problem } from "./problems.js";

// The rules every workload here follows (ADR 0014): non-root, read-only root
// filesystem, no capabilities, no privilege escalation, resources set,
// probes on long-running pods, a grace period that covers the shutdown, and
// images pinned by the kustomizations, the same release everywhere.

const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
const DEFAULT_TERMINATION_GRACE_S = 30;

export function checkWorkloadPolicy(objects: SourcedObject[]): Problem[] {
  const problems: Problem[] = [];
  for (const { file, object } of objects) {
    const pod = podSpecOf(object);
    if (pod === undefined) continue;
    const report = (path: string, message: string) => problems.push({ file, subject: subjectOf(object), path, message });
    const p = pod.path;
    if (pod.spec["automountServiceAccountToken"] !== false) report(`${p}.automountServiceAccountToken`, "must be false (no workload here talks to the Kubernetes API)");
    if (at(pod.spec, "securityContext", "runAsNonRoot") !== true) report(`${p}.securityContext.runAsNonRoot`, "must be true");
    const uid = at(pod.spec, "securityContext", "runAsUser");
    if (typeof uid !== "number" || uid === 0) report(`${p}.securityContext.runAsUser`, "must be a numeric non-root UID (the image's 65532)");
    if (at(pod.spec, "securityContext", "seccompProfile", "type") !== "RuntimeDefault") report(`${p}.securityContext.seccompProfile.type`, "must be RuntimeDefault");
    for (const { container, path } of containersOf(pod.spec, p)) {
      const sc = (field: string) => at(container, "securityContext", field);
      if (sc("allowPrivilegeEscalation") !== false) report(`${path}.securityContext.allowPrivilegeEscalation`, "must be false");
      if (sc("readOnlyRootFilesystem") !== true) report(`${path}.securityContext.readOnlyRootFilesystem`, "must be true");
      if (sc("privileged") === true) report(`${path}.securityContext.privileged`, "must not be true");
      if (!list(at(container, "securityContext", "capabilities", "drop")).includes("ALL")) report(`${path}.securityContext.capabilities.drop`, "must include ALL");
      if (list(at(container, "securityContext", "capabilities", "add")).length > 0) report(`${path}.securityContext.capabilities.add`, "must be empty");
      for (const r of ["requests.cpu", "requests.memory", "limits.memory"]) {
        if (at(container, "resources", ...r.split(".")) === undefined) report(`${path}.resources.${r}`, "must be set");
      }
      if (kindOf(object) === "Deployment") {
        for (const probe of ["readinessProbe", "livenessProbe"]) if (container[probe] === undefined) report(`${path}.${probe}`, "must be set on a long-running container");
      }
    }
  }
  return problems;
}

/**
 * A Deployment's terminationGracePeriodSeconds must cover the preStop pause
 * plus twice SHUTDOWN_GRACE_MS (the service drains calls for up to that long,
 * then gives its jobs as long again), else the kubelet kills it mid-drain.
 */
export function checkGracePeriods(objects: SourcedObject[]): Problem[] {
  const problems: Problem[] = [];
  for (const { file, object } of objects) {
    const pod = podSpecOf(object);
    if (pod === undefined || kindOf(object) !== "Deployment") continue;
    const termination = at(pod.spec, "terminationGracePeriodSeconds");
    const terminationS = typeof termination === "number" ? termination : DEFAULT_TERMINATION_GRACE_S;
    for (const { container, path } of containersOf(pod.spec, pod.path)) {
      const graceMs = shutdownGraceMs(container, namespaceOf(object), objects);
      const preStop = at(container, "lifecycle", "preStop", "sleep", "seconds");
      const needS = (typeof preStop === "number" ? preStop : 0) + (2 * graceMs) / 1000;
      if (terminationS <= needS) {
        problems.push({
          file, subject: subjectOf(object), path: `${pod.path}.terminationGracePeriodSeconds`,
          message: `${terminationS} s does not cover ${path}'s preStop pause and twice SHUTDOWN_GRACE_MS (${needS} s): make it more than ${needS}`,
        });
      }
    }
  }
  return problems;
}

/** SHUTDOWN_GRACE_MS as the container sees it: its env, else an envFrom ConfigMap, else the service's default. */
function shutdownGraceMs(container: JsonObject, namespace: string | undefined, objects: SourcedObject[]): number {
  for (const e of list(container["env"])) if (at(e, "name") === "SHUTDOWN_GRACE_MS" && str(at(e, "value")) !== undefined) return Number(at(e, "value"));
  for (const e of list(container["envFrom"])) {
    const name = str(at(e, "configMapRef", "name"));
    const cm = objects.find(({ object }) => kindOf(object) === "ConfigMap" && namespaceOf(object) === namespace && at(object, "metadata", "name") === name);
    const value = cm === undefined ? undefined : stringMap(cm.object["data"])["SHUTDOWN_GRACE_MS"];
    if (value !== undefined) return Number(value);
  }
  return DEFAULT_SHUTDOWN_GRACE_MS;
}

/**
 * Images: every container's image is pinned by its kustomization (registry
 * name and a tag or digest, never `latest`), every mapping is used, and a
 * role name maps to the same image in every kustomization (the migration Job
 * must run the release it migrates for).
 */
export function checkImages(renders: Rendered[], kustomizations: Kustomization[]): Problem[] {
  const problems: Problem[] = [];
  for (const { kustomization, objects } of renders) {
    for (const { file, object } of objects) {
      const pod = podSpecOf(object);
      if (pod === undefined) continue;
      for (const { container, path } of containersOf(pod.spec, pod.path)) {
        const image = str(container["image"]) ?? "";
        const { name, tag, digest } = parseImage(image);
        if (!name.includes("/") || (tag === undefined && digest === undefined) || tag === "latest") {
          problems.push({ file, subject: subjectOf(object), path: `${path}.image`, message: `renders as "${image}" in ${kustomization}: map it in that kustomization's images to a registry name and a release tag or digest` });
        }
      }
    }
  }
  const byName = new Map<string, { file: string; target: string }>();
  for (const k of kustomizations) {
    k.images.forEach((m, i) => {
      const target = `${m.newName ?? m.name}${m.digest !== undefined ? `@${m.digest}` : `:${m.newTag ?? ""}`}`;
      const first = byName.get(m.name);
      if (first === undefined) byName.set(m.name, { file: k.file, target });
      else if (first.target !== target) problems.push({ file: k.file, subject: "Kustomization", path: `images[${i}]`, message: `maps ${m.name} to ${target}, but ${first.file} maps it to ${first.target}` });
    });
  }
  for (const { kustomization, objects } of renders) {
    const k = kustomizations.find((x) => x.file === kustomization);
    const used = new Set(objects.flatMap(({ object }) => {
      const pod = podSpecOf(object);
      return pod === undefined ? [] : containersOf(pod.spec, pod.path).map(({ container }) => str(at(container, "image")) ?? "");
    }));
    k?.images.forEach((m, i) => {
      const target = `${m.newName ?? m.name}`;
      if (![...used].some((img) => parseImage(img).name === target)) problems.push({ file: k.file, subject: "Kustomization", path: `images[${i}]`, message: `${m.name} is used by no container` });
    });
  }
  return problems;
}
