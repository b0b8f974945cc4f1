/**
 * What a repair planner (src/edit/repair/*.ts) is given, built as repairDataset builds it: every
 * finding of a first verify, and the metadata when verify found it sound. The phases the planner
 * reports progress in are recorded.
 */
import type { RepairProgress } from "../../src/edit/repair/types.js";
import type { PlanInput } from "../../src/edit/repair/types.js";
import { loadTrustedMetadata } from "../../src/edit/repair/metadata.js";
import { verifyDataset } from "../../src/verify/verify.js";

export async function planInputFor(root: string, options: { removeUnreferenced?: boolean } = {}): Promise<PlanInput & { progressed: RepairProgress[] }> {
  const report = await verifyDataset(root, { maxFindingsPerCheck: Infinity });
  const progressed: RepairProgress[] = [];
  return {
    root, report, findings: report.findings,
    metadata: await loadTrustedMetadata(root, report, report.findings),
    removeUnreferenced: !!options.removeUnreferenced,
    progress: (phase, done, total) => progressed.push({ phase, done, total }),
    progressed,
  };
}

/** The checks of a verify's error findings, each once, sorted. */
export async function errorChecks(root: string): Promise<string[]> {
  const report = await verifyDataset(root);
  return [...new Set(report.findings.filter((f) => f.severity === "error").map((f) => f.check))].sort();
}
