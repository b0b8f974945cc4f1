/**
 * What the repair planners share: the verify findings they work from, the metadata when it can
 * be trusted, and the plan each returns (steps to apply, findings refused with the reason).
 */
import type { EpisodeRecord, DatasetInfo } from "../../dataset/index.js";
import type { CheckId, VerifyFinding, VerifyReport } from "../../verify/index.js";

/** A change repair made (or, in a dry run, would make). */
export interface RepairChange {
  check: CheckId;
  /** Path relative to the dataset folder. */
  file: string;
  what: string;
}

/** A finding repair left as it is, and why. */
export interface RepairUnfixed {
  check: CheckId;
  file?: string;
  why: string;
}

/** One planned change: applied only after every plan is made, never in a dry run. */
export interface RepairStep extends RepairChange {
  /** The checks this step makes go away for `file`. */
  settles: CheckId[];
  apply(): Promise<void>;
}

export interface RepairPlan {
  steps: RepairStep[];
  refused: RepairUnfixed[];
}

/** The steps of a repair, in order. */
export type RepairPhase = "verify" | "data" | "videos" | "stats" | "info" | "files" | "re-verify";

/** repairDataset's progress: `done` of `total` in a phase. */
export interface RepairProgress {
  phase: RepairPhase;
  done: number;
  total: number;
}

/** info.json, tasks and episodes, loaded only when verify found nothing wrong with them. */
export interface TrustedMetadata {
  info: DatasetInfo;
  tasks: string[];
  episodes: EpisodeRecord[];
}

export interface PlanInput {
  root: string;
  report: VerifyReport;
  /** Every finding of the first verify (none left out by the per-check limit). */
  findings: VerifyFinding[];
  /** The metadata, or why it cannot be trusted to say which rows and files belong to the dataset. */
  metadata: TrustedMetadata | { untrusted: string };
  removeUnreferenced: boolean;
  progress(phase: RepairPhase, done: number, total: number): void;
}

export function trusted(input: PlanInput): TrustedMetadata | undefined {
  return "untrusted" in input.metadata ? undefined : input.metadata;
}

export function untrustedReason(input: PlanInput): string {
  return "untrusted" in input.metadata ? input.metadata.untrusted : "";
}

export const emptyPlan = (): RepairPlan => ({ steps: [], refused: [] });

/** The findings of one check, as verify listed them. */
export function findingsOf(findings: VerifyFinding[], check: CheckId): VerifyFinding[] {
  return findings.filter((f) => f.check === check);
}
