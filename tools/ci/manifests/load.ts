import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { containersOf, isObject, list, podSpecOf, str, type JsonObject, type SourcedObject } from "./objects.js";
import type { Problem } from "./problems.js";

// Reads deploy/k8s: every YAML document, the kustomizations (only the
// `resources` and `images` fields, which is all we use, so what is validated
// is exactly what `kubectl apply -k` renders), and the Secret templates.

export interface ImageMapping {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export interface Kustomization {
  file: string;
  resources: string[];
  images: ImageMapping[];
}

export interface Rendered {
  /** The top-level kustomization (one no other kustomization includes). */
  kustomization: string;
  objects: SourcedObject[];
}

export interface LoadedManifests {
  renders: Rendered[];
  kustomizations: Kustomization[];
  /** Objects of the Secret templates (`secrets/`): documented, never applied. */
  secretTemplates: SourcedObject[];
  problems: Problem[];
}

const KUSTOMIZATION_KEYS = new Set(["apiVersion", "kind", "resources", "images"]);
const IMAGE_KEYS = new Set(["name", "newName", "newTag", "digest"]);
export const SECRETS_DIR = "secrets";

export async function loadManifests(root: string, k8sDir: string): Promise<LoadedManifests> {
  const problems: Problem[] = [];
  const files = (await yamlFiles(path.join(root, k8sDir))).map((f) => path.relative(root, f).split(path.sep).join("/"));
  const docs = new Map<string, JsonObject[]>();
  for (const file of files) docs.set(file, await parseFile(root, file, problems));

  const kustomizations: Kustomization[] = [];
  for (const file of files.filter((f) => path.posix.basename(f) === "kustomization.yaml")) {
    const k = readKustomization(file, docs.get(file) ?? [], problems);
    if (k !== undefined) kustomizations.push(k);
  }
  const byDir = new Map(kustomizations.map((k) => [path.posix.dirname(k.file), k]));
  const included = new Set<string>();
  for (const k of kustomizations) {
    for (const r of k.resources) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(k.file), r));
      if (byDir.has(target)) included.add(byDir.get(target)!.file);
      else if (docs.has(target)) included.add(target);
      else problems.push({ file: k.file, subject: "Kustomization", path: "resources", message: `${r} is neither a manifest file nor a folder with a kustomization.yaml here` });
    }
  }
  const secretsPrefix = `${k8sDir}/${SECRETS_DIR}/`;
  for (const file of files) {
    const isKustomization = path.posix.basename(file) === "kustomization.yaml";
    if (!isKustomization && !included.has(file) && !file.startsWith(secretsPrefix)) {
      problems.push({ file, subject: "file", path: "", message: "is in no kustomization's resources, so it is never applied (add it, or delete it)" });
    }
    if (file.startsWith(secretsPrefix) && included.has(file)) {
      problems.push({ file, subject: "file", path: "", message: "a Secret template must not be applied: remove it from the kustomization's resources" });
    }
  }

  const renders = kustomizations
    .filter((k) => !included.has(k.file))
    .map((k) => ({ kustomization: k.file, objects: render(k, byDir, docs, new Set()) }));
  const secretTemplates = files
    .filter((f) => f.startsWith(secretsPrefix))
    .flatMap((file) => (docs.get(file) ?? []).map((object, doc) => ({ file, doc, object })));
  return { renders, kustomizations, secretTemplates, problems };
}

async function yamlFiles(dir: string): Promise<string[]> {
  const exists = await stat(dir).then(() => true, () => false);
  if (!exists) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await yamlFiles(full)));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Every non-empty document of a file; YAML 1.1 like kubectl, duplicate keys are errors. */
export async function parseFile(root: string, file: string, problems: Problem[]): Promise<JsonObject[]> {
  const text = await readFile(path.join(root, file), "utf8");
  const out: JsonObject[] = [];
  parseAllDocuments(text, { version: "1.1", uniqueKeys: true }).forEach((doc, i) => {
    if ("errors" in doc && doc.errors.length > 0) {
      for (const err of doc.errors) problems.push({ file, subject: `document ${i + 1}`, path: "", message: `YAML: ${err.message.split("\n")[0]}` });
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (!isObject(value)) problems.push({ file, subject: `document ${i + 1}`, path: "", message: "is not a mapping" });
    else out.push(value);
  });
  return out;
}

function readKustomization(file: string, docs: JsonObject[], problems: Problem[]): Kustomization | undefined {
  const k = docs[0];
  const subject = "Kustomization";
  if (docs.length !== 1 || k === undefined) {
    problems.push({ file, subject, path: "", message: "must hold exactly one document" });
    return undefined;
  }
  if (k["apiVersion"] !== "kustomize.config.k8s.io/v1beta1" || k["kind"] !== "Kustomization") {
    problems.push({ file, subject, path: "", message: "must be apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization" });
  }
  for (const key of Object.keys(k)) {
    if (!KUSTOMIZATION_KEYS.has(key)) problems.push({ file, subject, path: key, message: "is not supported here (only resources and images): the validator would not see what kustomize renders" });
  }
  const resources = list(k["resources"]).flatMap((r, i) => {
    if (typeof r === "string") return [r];
    problems.push({ file, subject, path: `resources[${i}]`, message: "must be a path" });
    return [];
  });
  const images = list(k["images"]).flatMap((m, i): ImageMapping[] => {
    const name = str(isObject(m) ? m["name"] : undefined);
    if (!isObject(m) || name === undefined) {
      problems.push({ file, subject, path: `images[${i}]`, message: "must have a name" });
      return [];
    }
    for (const key of Object.keys(m)) if (!IMAGE_KEYS.has(key)) problems.push({ file, subject, path: `images[${i}].${key}`, message: "is not an image field" });
    return [{ name, newName: str(m["newName"]), newTag: str(m["newTag"]), digest: str(m["digest"]) }];
  });
  return { file, resources, images };
}

function render(k: Kustomization, byDir: Map<string, Kustomization>, docs: Map<string, JsonObject[]>, seen: Set<string>): SourcedObject[] {
  if (seen.has(k.file)) return [];
  seen.add(k.file);
  const objects: SourcedObject[] = [];
  for (const r of k.resources) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(k.file), r));
    const sub = byDir.get(target);
    if (sub !== undefined) objects.push(...render(sub, byDir, docs, seen));
    else (docs.get(target) ?? []).forEach((object, doc) => objects.push({ file: target, doc, object: structuredClone(object) }));
  }
  for (const o of objects) applyImages(o.object, k.images);
  return objects;
}

/** kustomize's image transformer: a container image whose name matches gets the new name, tag or digest. */
function applyImages(object: JsonObject, mappings: ImageMapping[]): void {
  const pod = podSpecOf(object);
  if (pod === undefined) return;
  for (const { container } of containersOf(pod.spec, pod.path)) {
    const image = str(container["image"]);
    if (image === undefined) continue;
    const parsed = parseImage(image);
    const m = mappings.find((x) => x.name === parsed.name);
    if (m === undefined) continue;
    const tag = m.newTag ?? parsed.tag;
    const digest = m.digest ?? (m.newTag !== undefined ? undefined : parsed.digest);
    container["image"] = `${m.newName ?? parsed.name}${digest !== undefined ? `@${digest}` : tag !== undefined ? `:${tag}` : ""}`;
  }
}

export function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const [withTag, digest] = image.split("@", 2) as [string, string | undefined];
  const slash = withTag.lastIndexOf("/");
  const colon = withTag.lastIndexOf(":");
  if (colon > slash) return { name: withTag.slice(0, colon), tag: withTag.slice(colon + 1), digest };
  return { name: withTag, digest };
}
