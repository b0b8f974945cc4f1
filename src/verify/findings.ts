/**
 * Findings: what verify reports, and the collector checks report into. The collector keeps the
 * first few findings of each check (a broken file can yield one per row) and counts the rest.
 */
import path from "node:path";
import type { CheckGroup, CheckId, Severity } from "./catalog.js";
import { CHECKS, groupOf } from "./catalog.js";

export interface FindingLocation {
  /** Path relative to the dataset folder (forward slashes). */
  file?: string;
  episode?: number;
  column?: string;
  /** Row in the file (0-based), for data parquet findings. */
  row?: number;
}

export interface Finding extends FindingLocation {
  check: CheckId;
  group: CheckGroup;
  severity: Severity;
  message: string;
  hint: string;
}

/** Findings kept per check; the rest are counted (the report says how many were left out). */
export const DEFAULT_MAX_FINDINGS_PER_CHECK = 20;

export class FindingCollector {
  readonly findings: Finding[] = [];
  /** Every finding counted, including those left out of `findings`. */
  readonly countsByCheck = new Map<CheckId, number>();

  constructor(
    private readonly root: string,
    private readonly maxPerCheck = DEFAULT_MAX_FINDINGS_PER_CHECK,
  ) {}

  add(check: CheckId, message: string, where: FindingLocation = {}): void {
    const count = (this.countsByCheck.get(check) ?? 0) + 1;
    this.countsByCheck.set(check, count);
    if (count > this.maxPerCheck) return;
    const spec = CHECKS[check];
    const location: FindingLocation = { ...where };
    if (where.file !== undefined) location.file = this.relative(where.file);
    this.findings.push({ check, group: groupOf(check), severity: spec.severity, message, hint: spec.hint, ...location });
  }

  /** Path as shown in findings: relative to the dataset, with forward slashes. */
  relative(file: string): string {
    const rel = path.isAbsolute(file) ? path.relative(this.root, file) : file;
    return rel.split(path.sep).join("/") || ".";
  }

  count(severity: Severity, group?: CheckGroup): number {
    let n = 0;
    for (const [check, count] of this.countsByCheck) {
      if (CHECKS[check].severity === severity && (group === undefined || groupOf(check) === group)) n += count;
    }
    return n;
  }

  hasErrors(group?: CheckGroup): boolean {
    return this.count("error", group) > 0;
  }
}
