import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseFile } from "./load.js";
import { at, isObject, list, str } from "./objects.js";
import type { Problem } from "./problems.js";

// Prometheus rule files (deploy/prometheus): each alert has an expression, a
// severity, a summary and a runbook link to a section that exists in
// docs/runbook.md, and uses only payments_* metrics the service defines (a
// renamed metric would otherwise leave an alert that can never fire).

const SEVERITIES = new Set(["page", "ticket"]);
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const RUNBOOK = "docs/runbook.md";
const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

export interface AlertRuleInputs {
  root: string;
  /** Folder of rule files, relative to root. */
  rulesDir: string;
  /** Where the service's metric definitions live (name: "payments_…"), relative to root. */
  metricSources: string;
}

export async function checkAlertRules({ root, rulesDir, metricSources }: AlertRuleInputs): Promise<Problem[]> {
  const problems: Problem[] = [];
  const files = (await readdir(path.join(root, rulesDir)).catch(() => [] as string[])).filter((f) => /\.ya?ml$/.test(f)).sort();
  const anchors = await runbookAnchors(root);
  const defined = await definedMetrics(path.join(root, metricSources));
  const alertNames = new Set<string>();
  for (const name of files) {
    const file = `${rulesDir}/${name}`;
    for (const doc of await parseFile(root, file, problems)) {
      list(doc["groups"]).forEach((group, g) => {
        const groupName = str(at(group, "name")) ?? `groups[${g}]`;
        list(at(group, "rules")).forEach((rule, r) => {
          const alert = str(at(rule, "alert"));
          const report = (field: string, message: string) => problems.push({ file, subject: alert ?? `${groupName} rules[${r}]`, path: field, message });
          if (alert === undefined) return report("alert", "must name the alert (recording rules do not belong here)");
          if (alertNames.has(alert)) report("alert", "is defined twice");
          alertNames.add(alert);
          const expr = str(at(rule, "expr"));
          if (expr === undefined || expr.trim() === "") report("expr", "must be a PromQL expression");
          for (const metric of new Set(expr?.match(/\bpayments_[a-z0-9_]+/g) ?? [])) {
            if (!defined.has(metric) && !defined.has(metric.replace(HISTOGRAM_SUFFIX, ""))) report("expr", `uses ${metric}, which the service does not define (under ${metricSources})`);
          }
          const forValue = at(rule, "for");
          if (forValue !== undefined && (typeof forValue !== "string" || !DURATION.test(forValue))) report("for", "must be a Prometheus duration like 5m");
          if (!SEVERITIES.has(str(at(rule, "labels", "severity")) ?? "")) report("labels.severity", `must be one of ${[...SEVERITIES].join(", ")}`);
          if ((str(at(rule, "annotations", "summary")) ?? "") === "") report("annotations.summary", "must say what happened");
          const link = str(at(rule, "annotations", "runbook_url")) ?? "";
          const [target, anchor] = link.split("#", 2);
          if (target !== RUNBOOK || anchor === undefined) report("annotations.runbook_url", `must be ${RUNBOOK}#<section>`);
          else if (!anchors.has(anchor)) report("annotations.runbook_url", `${RUNBOOK} has no section #${anchor}`);
        });
      });
      if (!isObject(doc) || !Array.isArray(doc["groups"])) problems.push({ file, subject: "rule file", path: "groups", message: "must be a list of rule groups" });
    }
  }
  return problems;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
export function headingAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
}

async function runbookAnchors(root: string): Promise<Set<string>> {
  const text = await readFile(path.join(root, RUNBOOK), "utf8").catch(() => "");
  return new Set(text.split("\n").filter((l) => /^#{1,6} /.test(l)).map((l) => headingAnchor(l.replace(/^#+ /, ""))));
}

/** Every `name: "payments_…"` in the service's sources (prom-client metric definitions). */
async function definedMetrics(dir: string): Promise<Set<string>> {
  const names = new Set<string>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const text = await readFile(path.join(entry.parentPath, entry.name), "utf8");
    for (const m of text.matchAll(/name:\s*"(payments_[a-z0-9_]+)"/g)) names.add(m[1]!);
  }
  return names;
}
