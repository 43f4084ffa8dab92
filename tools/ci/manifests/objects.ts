// The Kubernetes objects the validator reads, loosely typed: the schema check
// proves their shape, the other checks read fields defensively.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** An object from a manifest file, with where it came from. */
export interface SourcedObject {
  file: string;
  /** 0-based index of the YAML document in its file. */
  doc: number;
  object: JsonObject;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Follows a path of keys and indices; undefined as soon as one is missing. */
export function at(value: unknown, ...path: (string | number)[]): Json | undefined {
  let cur: unknown = value;
  for (const key of path) {
    if (typeof key === "number" ? !Array.isArray(cur) : !isObject(cur)) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur as Json | undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function list(value: unknown): Json[] {
  return Array.isArray(value) ? value : [];
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(value)) for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  return out;
}

export function kindOf(o: JsonObject): string {
  return str(o["kind"]) ?? "?";
}

export function nameOf(o: JsonObject): string {
  return str(at(o, "metadata", "name")) ?? "?";
}

export function namespaceOf(o: JsonObject): string | undefined {
  return str(at(o, "metadata", "namespace"));
}

export function subjectOf(o: JsonObject): string {
  return `${kindOf(o)}/${nameOf(o)}`;
}

/** True when every label the selector requires is on the pod labels (matchLabels only: we use nothing else). */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const required = Object.entries(selector);
  return required.length > 0 && required.every(([k, v]) => labels[k] === v);
}

/** The pod spec of a workload and its field path, for the kinds we deploy. */
export function podSpecOf(o: JsonObject): { spec: JsonObject; path: string; labels: Record<string, string> } | undefined {
  const kind = kindOf(o);
  if (kind === "Deployment" || kind === "Job" || kind === "StatefulSet" || kind === "DaemonSet") {
    const spec = at(o, "spec", "template", "spec");
    return isObject(spec) ? { spec, path: "spec.template.spec", labels: stringMap(at(o, "spec", "template", "metadata", "labels")) } : undefined;
  }
  return undefined;
}

/** Containers and init containers of a pod spec, with their field paths. */
export function containersOf(spec: JsonObject, specPath: string): { container: JsonObject; path: string }[] {
  const out: { container: JsonObject; path: string }[] = [];
  for (const field of ["initContainers", "containers"]) {
    list(spec[field]).forEach((c, i) => {
      if (isObject(c)) out.push({ container: c, path: `${specPath}.${field}[${i}]` });
    });
  }
  return out;
}
