/**
 * files.unreferenced: files in the dataset folder nothing refers to (a crashed save's staged or
 * rotated file, an edit's leftover, a stray copy). Reported by default; removed only when asked,
 * and only when the metadata that decides what is referenced is sound and no file it names is
 * missing (else the stray file may be that one under another name).
 */
import fs from "node:fs";
import { resolveInside } from "../../dataset/index.js";
import type { PlanInput, RepairPlan } from "./types.js";
import { emptyPlan, findingsOf, trusted, untrustedReason } from "./types.js";

const CHECK = "files.unreferenced";

export function planUnreferenced(input: PlanInput): RepairPlan {
  const plan = emptyPlan();
  const files = [...new Set(findingsOf(input.findings, CHECK).map((f) => f.file!))];
  if (files.length === 0) return plan;
  const missing = input.findings.filter((f) => f.check === "data.missing_file" || f.check === "videos.missing_file");
  const why = !input.removeUnreferenced ? "kept: nothing refers to it; run with --remove-unreferenced to delete it"
    : !trusted(input) ? `kept: ${untrustedReason(input)}`
    : missing.length > 0 ? `kept: ${missing[0]!.file ?? "a file"} the metadata names is missing, and this may be it under another name`
    : undefined;
  for (const rel of files) {
    if (why !== undefined) plan.refused.push({ check: CHECK, file: rel, why });
    else plan.steps.push({ check: CHECK, file: rel, settles: [CHECK], what: "removed: nothing in the dataset refers to it", apply: () => fs.promises.rm(resolveInside(input.root, rel)) });
  }
  return plan;
}
