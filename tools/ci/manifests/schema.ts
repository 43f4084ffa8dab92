import { isObject, kindOf, str, subjectOf, type Json, type SourcedObject } from "./objects.js";
import { pointerToPath, type Problem } from "./problems.js";

// Each object against the Kubernetes OpenAPI schema of its apiVersion/kind,
// from the kubernetes-models package (compiled JSON-schema validators). Those
// schemas allow unknown fields, which the API server's strict field
// validation rejects (a `readinesProbe` typo would silently drop the probe),
// so the object is also watched while the validator reads it: a field it
// never looked at is not in the schema.

/** A kubernetes-models class; its prototype's validate() checks `this` against the kind's schema. */
type ModelClass = { prototype: { validate(this: unknown): void } };

interface AjvError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** API versions the models still describe but Kubernetes no longer serves, with the release that removed them. */
const REMOVED_API_VERSIONS: Record<string, string> = {
  "extensions/v1beta1": "1.22",
  "apps/v1beta1": "1.16",
  "apps/v1beta2": "1.16",
  "networking.k8s.io/v1beta1": "1.22",
  "policy/v1beta1": "1.25",
  "batch/v1beta1": "1.25",
  "autoscaling/v2beta1": "1.25",
  "autoscaling/v2beta2": "1.26",
};

/** "apps/v1" + "Deployment" → the module exporting its model, e.g. kubernetes-models/apps/v1/Deployment. */
async function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  if (!/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  try {
    const mod = (await import(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, unknown>;
    const model = mod[kind];
    return typeof model === "function" ? (model as ModelClass) : undefined;
  } catch {
    return undefined;
  }
}

export async function checkSchemas(objects: SourcedObject[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const { file, object } of objects) {
    const subject = subjectOf(object);
    const apiVersion = str(object["apiVersion"]) ?? "";
    const removedIn = REMOVED_API_VERSIONS[apiVersion];
    if (removedIn !== undefined) {
      problems.push({ file, subject, path: "apiVersion", message: `${apiVersion} was removed from the Kubernetes API in ${removedIn}` });
      continue;
    }
    const model = await modelFor(apiVersion, kindOf(object));
    if (model === undefined) {
      problems.push({ file, subject, path: "", message: `apiVersion "${apiVersion}" kind "${kindOf(object)}" is not a Kubernetes API object (misspelt, or removed from the API)` });
      continue;
    }
    const reads = new Map<string, Set<string> | "all">();
    try {
      // Called on the object itself: the class's constructor would validate a copy.
      model.prototype.validate.call(watchReads(object, "", reads));
    } catch (err) {
      const errors = (err as { errors?: AjvError[] }).errors;
      if (!Array.isArray(errors)) throw err;
      for (const e of errors) {
        const missing = e.params?.["missingProperty"];
        const where = pointerToPath(e.instancePath);
        problems.push({ file, subject, path: typeof missing === "string" ? (where === "" ? missing : `${where}.${missing}`) : where, message: e.message ?? "invalid" });
      }
    }
    for (const field of unreadFields(object, "", reads)) {
      problems.push({ file, subject, path: pointerToPath(field), message: "is not a field of this kind (unknown fields are rejected by the API server)" });
    }
  }
  return problems;
}

/** A view of value that records which keys of each object the schema validator read. */
function watchReads(value: Json, pointer: string, reads: Map<string, Set<string> | "all">): Json {
  if (typeof value !== "object" || value === null) return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      const child: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== "string" || !Object.hasOwn(target, key)) return child;
      mark(key);
      return watchReads(child as Json, `${pointer}/${key}`, reads);
    },
    has(target, key) {
      if (typeof key === "string") mark(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      reads.set(pointer, "all");
      return Reflect.ownKeys(target);
    },
  }) as Json;

  function mark(key: string) {
    const seen = reads.get(pointer);
    if (seen === "all") return;
    if (seen === undefined) reads.set(pointer, new Set([key]));
    else seen.add(key);
  }
}

/** Keys of objects the validator never read (it reads every field its schema knows, and every key of a map). */
function unreadFields(value: Json, pointer: string, reads: Map<string, Set<string> | "all">): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => unreadFields(v, `${pointer}/${i}`, reads));
  if (!isObject(value)) return [];
  const seen = reads.get(pointer);
  return Object.entries(value).flatMap(([key, child]) =>
    seen === "all" || seen?.has(key) ? unreadFields(child, `${pointer}/${key}`, reads) : [`${pointer}/${key}`],
  );
}
