// One finding of the deployment validator: where (file, object, field path)
// and what is wrong. Printed one per line; any finding fails CI.

export interface Problem {
  /** Repository-relative file the object or rule came from. */
  file: string;
  /** "Kind/name" of the object, or the rule or group name. */
  subject: string;
  /** Dotted field path inside the object ("spec.template.spec.containers[0].image"); "" for the object itself. */
  path: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}: ${p.subject}${p.path === "" ? "" : ` ${p.path}`}: ${p.message}`;
}

/** "/spec/template/0/x" (JSON pointer, as ajv reports) → "spec.template[0].x". */
export function pointerToPath(pointer: string): string {
  return pointer
    .split("/")
    .filter((s) => s !== "")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc === "" ? seg : `${acc}.${seg}`), "");
}
