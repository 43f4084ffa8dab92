import { at, isObject, kindOf, subjectOf, type SourcedObject } from "./objects.js";
import type { Problem } from "./problems.js";

// The Secret templates say which Secrets and keys exist; they must never
// carry a value. Every value is a "<placeholder>" and `data` (base64, where a
// real value would not stand out in review) is not used.

const PLACEHOLDER = /^<[^\n]*>$/;

export function checkSecretTemplates(templates: SourcedObject[]): Problem[] {
  const problems: Problem[] = [];
  for (const { file, object } of templates) {
    const report = (path: string, message: string) => problems.push({ file, subject: subjectOf(object), path, message });
    if (kindOf(object) !== "Secret") {
      report("kind", "only Secret templates belong in the secrets folder");
      continue;
    }
    if (object["data"] !== undefined) report("data", "must not be used in a template: describe each key in stringData with a <placeholder>");
    const stringData = at(object, "stringData");
    if (!isObject(stringData) || Object.keys(stringData).length === 0) report("stringData", "must list the Secret's keys");
    else {
      for (const [key, value] of Object.entries(stringData)) {
        if (typeof value !== "string" || !PLACEHOLDER.test(value)) report(`stringData.${key}`, "must be a <placeholder>, never a value (create the real Secret from the secret store)");
      }
    }
  }
  return problems;
}
