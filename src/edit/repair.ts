/**
 * repairDataset: fix in place what verify finds and what can be fixed without guessing, say what
 * changed and what could not be. It verifies (every finding, none left out), plans each repair
 * from the findings, applies the plans (unless dryRun), then verifies again.
 *
 * Crash safety: every changed file is written under a staging name, synced, checked and renamed
 * over the original; info.json is written after the files it counts; removals come last. Each
 * step alone leaves a dataset no worse than before, so a crash at any point does too. The
 * writer's lock is held throughout, so no recording can save into the dataset meanwhile.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { DatasetError } from "../errors.js";
import { acquireWriterLock, releaseWriterLock, resolveDatasetRoot } from "../dataset/index.js";
import type { CheckId, VerifyFinding } from "../verify/index.js";
import { DEFAULT_MAX_FINDINGS_PER_CHECK, assertLooksLikeDataset, verifyDataset } from "../verify/index.js";
import { planDataTails } from "./repair/data-tail.js";
import { planEditLists } from "./repair/edit-list.js";
import { loadTrustedMetadata } from "./repair/metadata.js";
import { whyUnfixed } from "./repair/reasons.js";
import type { RepairReport } from "./repair/report.js";
import { REPAIR_REPORT_SCHEMA_ID } from "./repair/report.js";
import { planStats } from "./repair/stats.js";
import { planTotals } from "./repair/totals.js";
import type { PlanInput, RepairChange, RepairPhase, RepairProgress, RepairStep, RepairUnfixed } from "./repair/types.js";
import { planUnfinishedSave } from "./repair/unfinished-save.js";
import { planUnreferenced } from "./repair/unreferenced.js";

export type { RepairReport } from "./repair/report.js";
export { REPAIR_REPORT_SCHEMA_ID, repairReportSchema } from "./repair/report.js";
export type { RepairChange, RepairProgress, RepairUnfixed } from "./repair/types.js";
export { formatRepairReport } from "./repair/format.js";

/** What repairDataset may change. */
export interface RepairOptions {
  /** Parent folder of a repo id (LeRobot's --root). */
  root?: string;
  /** Delete files nothing in the dataset refers to (otherwise they are only reported). */
  removeUnreferenced?: boolean;
  /** Plan and report, change nothing. */
  dryRun?: boolean;
  /** Verify with --deep (decode every frame) before and after. */
  deep?: boolean;
  onProgress?: (progress: RepairProgress) => void;
}

/** Another process (a recording) holds the dataset's writer lock. */
export class DatasetBusyError extends DatasetError {
  override name = "DatasetBusyError";
}

const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };

/**
 * Verify a local dataset, fix what can be fixed without re-recording, and verify again.
 * Fixes: a save killed before its commit (trimmed, as `record --resume` does), rows past the last
 * episode, stats.json missing/unreadable/stale, info.json totals behind the files, mp4 edit lists
 * that hide frames, and (with `removeUnreferenced`) files nothing refers to. Everything else is
 * listed as unfixed with a reason. Holds the dataset's writer lock while it works (DatasetBusyError
 * if a recording holds it); each file is staged and renamed into place, so a kill leaves either
 * version. `dryRun` plans and reports without changing anything. Resolves with the report
 * (`lerobot-ts repair --json`, schema lerobot-ts/repair@1); throws NoDatasetError when there is no
 * dataset at the path.
 */
export async function repairDataset(pathOrRepoId: string, options: RepairOptions = {}): Promise<RepairReport> {
  const root = resolveDatasetRoot(pathOrRepoId, { root: options.root, exists: (p) => fs.existsSync(p) });
  assertLooksLikeDataset(root);
  const dryRun = !!options.dryRun;
  if (!dryRun) await lock(root);
  try {
    return await repairLocked(root, options, dryRun);
  } finally {
    if (!dryRun) await unlock(root);
  }
}

async function repairLocked(root: string, options: RepairOptions, dryRun: boolean): Promise<RepairReport> {
  const progress = (phase: RepairPhase, done: number, total: number) => options.onProgress?.({ phase, done, total });
  const verifyOptions = { deep: !!options.deep };
  const found = await verifyDataset(root, { ...verifyOptions, maxFindingsPerCheck: Infinity, onProgress: (p) => progress("verify", p.done, p.total) });
  // A save killed before its commit goes first, as recording on would drop it; the rest is planned from what remains.
  const done: RepairStep[] = [];
  const refused: RepairUnfixed[] = [];
  let before = found;
  const unfinished = planUnfinishedSave(root, found.findings);
  if (unfinished && dryRun) done.push(unfinished);
  else if (unfinished) {
    try {
      await unfinished.apply();
      done.push(unfinished);
      before = await verifyDataset(root, { ...verifyOptions, maxFindingsPerCheck: Infinity, onProgress: (p) => progress("verify", p.done, p.total) });
    } catch (error) {
      refused.push({ check: unfinished.check, file: unfinished.file, why: `not changed: ${(error as Error).message.split("\n")[0]}` });
    }
  }
  const input: PlanInput = {
    root, report: before, findings: before.findings,
    metadata: await loadTrustedMetadata(root, before, before.findings),
    removeUnreferenced: !!options.removeUnreferenced,
    progress,
  };
  // Rows and videos first, then stats.json, then info.json (which counts them), removals last.
  const plans = [await planDataTails(input), await planEditLists(input), await planStats(input), planTotals(input), planUnreferenced(input)];
  const steps = plans.flatMap((p) => p.steps);
  refused.push(...plans.flatMap((p) => p.refused));

  if (dryRun) done.push(...steps);
  else {
    for (const [i, step] of steps.entries()) {
      progress(phaseOf(step), i, steps.length);
      try {
        await step.apply();
        done.push(step);
      } catch (error) {
        refused.push({ check: step.check, file: step.file, why: `not changed: ${(error as Error).message.split("\n")[0]}` });
      }
    }
  }

  const after = dryRun ? before : await verifyDataset(root, { ...verifyOptions, onProgress: (p) => progress("re-verify", p.done, p.total) });
  // In a dry run nothing changed: what remains is what the steps would not settle.
  const settled = (f: VerifyFinding) => dryRun && done.some((s) => s.file === f.file && s.settles.includes(f.check as CheckId));
  const remaining = after.findings.filter((f) => !settled(f));
  return {
    schema: REPAIR_REPORT_SCHEMA_ID,
    tool: { name: "lerobot-ts", version },
    dataset: { root },
    options: { dryRun, removeUnreferenced: !!options.removeUnreferenced, deep: !!options.deep },
    changed: done.map(({ check, file, what }): RepairChange => ({ check, file, what })),
    unfixed: unfixedList(refused, remaining),
    before: { errors: found.summary.errors, warnings: found.summary.warnings },
    after: { errors: after.summary.errors, warnings: after.summary.warnings },
    valid: after.summary.errors === 0,
    findings: limitPerCheck(after.findings),
  };
}

/** The planners' refusals, then one entry per (check, file) of what remains, with the reason. */
function unfixedList(refused: RepairUnfixed[], remaining: VerifyFinding[]): RepairUnfixed[] {
  const out = [...refused];
  const key = (check: string, file: string | undefined) => `${check}\0${file ?? ""}`;
  const seen = new Set(out.map((u) => key(u.check, u.file)));
  for (const f of remaining) {
    if (seen.has(key(f.check, f.file))) continue;
    seen.add(key(f.check, f.file));
    const check = f.check as CheckId;
    out.push(f.file !== undefined ? { check, file: f.file, why: whyUnfixed(check) } : { check, why: whyUnfixed(check) });
  }
  return out;
}

function limitPerCheck(findings: VerifyFinding[]): VerifyFinding[] {
  const counts = new Map<string, number>();
  return findings.filter((f) => {
    const n = (counts.get(f.check) ?? 0) + 1;
    counts.set(f.check, n);
    return n <= DEFAULT_MAX_FINDINGS_PER_CHECK;
  });
}

function phaseOf(step: RepairStep): RepairPhase {
  const group = step.check.slice(0, step.check.indexOf("."));
  return group === "data" || group === "videos" || group === "stats" || group === "info" || group === "files" ? group : "data";
}

async function lock(root: string): Promise<void> {
  try {
    await acquireWriterLock(root);
  } catch (error) {
    if (error instanceof DatasetError) throw new DatasetBusyError(`cannot repair ${root}: ${error.message}`, { file: root, cause: error });
    throw error;
  }
}

/** Release the lock and leave no .lerobot-ts folder behind if repair made it. */
async function unlock(root: string): Promise<void> {
  await releaseWriterLock(root);
  await fs.promises.rmdir(path.join(root, ".lerobot-ts")).catch(() => {});
}
