import {
  at, containersOf, isObject, kindOf, list, nameOf, namespaceOf, podSpecOf, selects, str, stringMap, subjectOf,
  type JsonObject, type SourcedObject,
} from "./objects.js";
import type { Problem } from "./problems.js";

// What the schema cannot see: names and labels that must agree across
// objects. A Service whose selector matches no pod, a secretKeyRef to a
// Secret nobody creates, or a probe on a port the container does not open is
// valid YAML and fails only in the cluster.

const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "StorageClass", "PriorityClass"]);

interface Index {
  objects: SourcedObject[];
  find(kind: string, namespace: string | undefined, name: string): JsonObject | undefined;
  workloads(namespace: string | undefined): { object: JsonObject; labels: Record<string, string>; spec: JsonObject; path: string }[];
}

function indexOf(objects: SourcedObject[]): Index {
  const byKey = new Map(objects.map((o) => [`${kindOf(o.object)}/${namespaceOf(o.object) ?? ""}/${nameOf(o.object)}`, o.object]));
  return {
    objects,
    find: (kind, namespace, name) => byKey.get(`${kind}/${namespace ?? ""}/${name}`),
    workloads: (namespace) =>
      objects.flatMap(({ object }) => {
        const pod = podSpecOf(object);
        return pod !== undefined && namespaceOf(object) === namespace ? [{ object, ...pod }] : [];
      }),
  };
}

/**
 * Checks what the kustomizations render, together (the cluster holds all of
 * it), plus the Secrets the templates describe (created by hand beforehand).
 */
export function checkCrossReferences(rendered: SourcedObject[], secretTemplates: SourcedObject[]): Problem[] {
  const problems: Problem[] = [];
  const index = indexOf([...rendered, ...secretTemplates]);
  const seen = new Set<string>();
  for (const { file, object } of rendered) {
    const report = (path: string, message: string) => problems.push({ file, subject: subjectOf(object), path, message });
    const key = `${kindOf(object)}/${namespaceOf(object) ?? ""}/${nameOf(object)}`;
    if (seen.has(key)) report("metadata.name", "is defined twice");
    seen.add(key);
    checkNamespace(object, index, report);
    checkWorkload(object, index, report);
    checkService(object, index, report);
    checkScaling(object, index, report);
    checkNetworkPolicy(object, index, report);
    checkIngress(object, index, report);
    checkServiceUrls(object, index, report);
  }
  return problems;
}

type Report = (path: string, message: string) => void;

function checkNamespace(o: JsonObject, index: Index, report: Report): void {
  if (CLUSTER_SCOPED.has(kindOf(o))) return;
  const ns = namespaceOf(o);
  if (ns === undefined) report("metadata.namespace", "is missing: every object names its namespace, so a plain `kubectl apply -f` cannot put it elsewhere");
  else if (index.find("Namespace", undefined, ns) === undefined) report("metadata.namespace", `namespace ${ns} is not defined in the manifests`);
}

function checkWorkload(o: JsonObject, index: Index, report: Report): void {
  const pod = podSpecOf(o);
  if (pod === undefined) return;
  const ns = namespaceOf(o);
  if (kindOf(o) === "Deployment" && !selects(stringMap(at(o, "spec", "selector", "matchLabels")), pod.labels)) {
    report("spec.selector.matchLabels", "does not match the pod template's labels");
  }
  const sa = str(pod.spec["serviceAccountName"]);
  if (sa !== undefined && index.find("ServiceAccount", ns, sa) === undefined) report(`${pod.path}.serviceAccountName`, `ServiceAccount ${sa} is not defined`);
  list(pod.spec["volumes"]).forEach((v, i) => {
    const secret = str(at(v, "secret", "secretName"));
    if (secret !== undefined && index.find("Secret", ns, secret) === undefined) report(`${pod.path}.volumes[${i}].secret.secretName`, `Secret ${secret} is not defined (add it to the Secret templates)`);
    const cm = str(at(v, "configMap", "name"));
    if (cm !== undefined && index.find("ConfigMap", ns, cm) === undefined) report(`${pod.path}.volumes[${i}].configMap.name`, `ConfigMap ${cm} is not defined`);
  });
  const volumes = new Set(list(pod.spec["volumes"]).map((v) => str(at(v, "name"))));
  for (const { container, path } of containersOf(pod.spec, pod.path)) {
    checkEnvRefs(container, path, ns, index, report);
    list(container["volumeMounts"]).forEach((m, i) => {
      const name = str(at(m, "name"));
      if (name !== undefined && !volumes.has(name)) report(`${path}.volumeMounts[${i}].name`, `volume ${name} is not defined in the pod`);
    });
    checkProbePorts(container, path, report);
  }
}

function checkEnvRefs(container: JsonObject, path: string, ns: string | undefined, index: Index, report: Report): void {
  list(container["env"]).forEach((e, i) => {
    for (const [refKind, field] of [["ConfigMap", "configMapKeyRef"], ["Secret", "secretKeyRef"]] as const) {
      const ref = at(e, "valueFrom", field);
      if (!isObject(ref)) continue;
      const name = str(ref["name"]) ?? "";
      const key = str(ref["key"]) ?? "";
      const target = index.find(refKind, ns, name);
      const where = `${path}.env[${i}].valueFrom.${field}`;
      if (target === undefined) report(where, `${refKind} ${name} is not defined${refKind === "Secret" ? " (add it to the Secret templates)" : ""}`);
      else if (!(key in stringMap(target["data"])) && !(key in stringMap(target["stringData"]))) report(`${where}.key`, `${refKind} ${name} has no key ${key}`);
    }
  });
  list(container["envFrom"]).forEach((e, i) => {
    for (const [refKind, field] of [["ConfigMap", "configMapRef"], ["Secret", "secretRef"]] as const) {
      const name = str(at(e, field, "name"));
      if (name !== undefined && index.find(refKind, ns, name) === undefined) report(`${path}.envFrom[${i}].${field}.name`, `${refKind} ${name} is not defined`);
    }
  });
}

function checkProbePorts(container: JsonObject, path: string, report: Report): void {
  const ports = list(container["ports"]);
  const names = new Set(ports.map((p) => str(at(p, "name"))).filter((n) => n !== undefined));
  const numbers = new Set(ports.map((p) => at(p, "containerPort")));
  for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
    for (const action of ["httpGet", "tcpSocket", "grpc"]) {
      const port = at(container, probe, action, "port");
      if (port === undefined) continue;
      const ok = typeof port === "string" ? names.has(port) : numbers.has(port);
      if (!ok) report(`${path}.${probe}.${action}.port`, `${String(port)} is not a port of the container`);
    }
  }
}

/** A Service must select pods of a workload here, and its target ports must be their ports. */
function checkService(o: JsonObject, index: Index, report: Report): void {
  if (kindOf(o) !== "Service") return;
  const selector = stringMap(at(o, "spec", "selector"));
  const matched = index.workloads(namespaceOf(o)).filter((w) => selects(selector, w.labels));
  if (matched.length === 0) {
    report("spec.selector", "matches the pods of no workload in the manifests");
    return;
  }
  list(at(o, "spec", "ports")).forEach((p, i) => {
    const target = at(p, "targetPort") ?? at(p, "port");
    const opened = matched.some((w) =>
      containersOf(w.spec, w.path).some(({ container }) =>
        list(container["ports"]).some((cp) => (typeof target === "string" ? at(cp, "name") === target : at(cp, "containerPort") === target)),
      ),
    );
    if (!opened) report(`spec.ports[${i}].targetPort`, `${String(target)} is not a container port of the selected pods`);
  });
}

/** HPAs and PDBs must point at a workload here; a Deployment needs both, and at least two replicas. */
function checkScaling(o: JsonObject, index: Index, report: Report): void {
  const kind = kindOf(o);
  const ns = namespaceOf(o);
  if (kind === "HorizontalPodAutoscaler") {
    const target = str(at(o, "spec", "scaleTargetRef", "name")) ?? "";
    const targetKind = str(at(o, "spec", "scaleTargetRef", "kind")) ?? "";
    if (index.find(targetKind, ns, target) === undefined) report("spec.scaleTargetRef", `${targetKind} ${target} is not defined`);
    const min = at(o, "spec", "minReplicas");
    if (typeof min !== "number" || min < 2) report("spec.minReplicas", "must be at least 2 (one replica is an outage during any restart)");
  }
  if (kind === "PodDisruptionBudget") {
    const selector = stringMap(at(o, "spec", "selector", "matchLabels"));
    if (!index.workloads(ns).some((w) => selects(selector, w.labels))) report("spec.selector", "matches the pods of no workload in the manifests");
  }
  if (kind === "Deployment") {
    const labels = podSpecOf(o)?.labels ?? {};
    const hpa = index.objects.some(({ object }) => kindOf(object) === "HorizontalPodAutoscaler" && namespaceOf(object) === ns && at(object, "spec", "scaleTargetRef", "name") === nameOf(o));
    const replicas = at(o, "spec", "replicas");
    if (!hpa && (typeof replicas !== "number" || replicas < 2)) report("spec.replicas", "needs a HorizontalPodAutoscaler or at least 2 replicas");
    if (hpa && replicas !== undefined) report("spec.replicas", "is owned by the HorizontalPodAutoscaler: leave it out, or every apply resets the scale");
    const pdb = index.objects.some(({ object }) => kindOf(object) === "PodDisruptionBudget" && namespaceOf(object) === ns && selects(stringMap(at(object, "spec", "selector", "matchLabels")), labels));
    if (!pdb) report("", "has no PodDisruptionBudget: a node drain may evict every replica at once");
  }
}

/** A policy that selects no pod protects nothing: every pod selector must match a workload here. */
function checkNetworkPolicy(o: JsonObject, index: Index, report: Report): void {
  if (kindOf(o) !== "NetworkPolicy") return;
  const ns = namespaceOf(o);
  const matches = (selector: unknown) => index.workloads(ns).some((w) => selects(stringMap(at(selector, "matchLabels")), w.labels));
  const own = at(o, "spec", "podSelector");
  if (Object.keys(stringMap(at(own, "matchLabels"))).length > 0 && !matches(own)) report("spec.podSelector", "selects no pod of the workloads here");
  for (const [dir, peers] of [["ingress", "from"], ["egress", "to"]] as const) {
    list(at(o, "spec", dir)).forEach((rule, i) => {
      list(at(rule, peers)).forEach((peer, j) => {
        // A bare podSelector means pods of this namespace: they must exist here.
        if (at(peer, "namespaceSelector") === undefined && at(peer, "podSelector") !== undefined && !matches(at(peer, "podSelector"))) {
          report(`spec.${dir}[${i}].${peers}[${j}].podSelector`, "selects no pod of the workloads here");
        }
      });
    });
  }
}

function checkIngress(o: JsonObject, index: Index, report: Report): void {
  if (kindOf(o) !== "Ingress") return;
  const ns = namespaceOf(o);
  list(at(o, "spec", "tls")).forEach((t, i) => {
    const secret = str(at(t, "secretName"));
    if (secret !== undefined && index.find("Secret", ns, secret) === undefined) report(`spec.tls[${i}].secretName`, `Secret ${secret} is not defined (add it to the Secret templates)`);
  });
  list(at(o, "spec", "rules")).forEach((rule, i) => {
    list(at(rule, "http", "paths")).forEach((p, j) => {
      const name = str(at(p, "backend", "service", "name")) ?? "";
      const port = at(p, "backend", "service", "port", "name") ?? at(p, "backend", "service", "port", "number");
      const svc = index.find("Service", ns, name);
      const where = `spec.rules[${i}].http.paths[${j}].backend.service`;
      if (svc === undefined) report(where, `Service ${name} is not defined`);
      else if (!list(at(svc, "spec", "ports")).some((sp) => at(sp, "name") === port || at(sp, "port") === port)) report(`${where}.port`, `Service ${name} has no port ${String(port)}`);
    });
  });
}

/** A ConfigMap URL naming a Service of the cluster (<name>.<namespace>.svc…) must name one defined here, on one of its ports. */
function checkServiceUrls(o: JsonObject, index: Index, report: Report): void {
  if (kindOf(o) !== "ConfigMap") return;
  for (const [key, value] of Object.entries(stringMap(o["data"]))) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue;
    }
    const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(url.hostname);
    if (m === null) continue;
    const svc = index.find("Service", m[2], m[1]!);
    const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
    if (svc === undefined) report(`data.${key}`, `Service ${m[1]} in namespace ${m[2]} is not defined`);
    else if (!list(at(svc, "spec", "ports")).some((p) => at(p, "port") === port)) report(`data.${key}`, `Service ${m[1]} has no port ${port}`);
  }
}
