/** The human form of a repair report: what changed, what could not be fixed and why, a verdict. */
import type { RepairReport } from "./report.js";

/** The human text `lerobot-ts repair` prints for a report. */
export function formatRepairReport(report: RepairReport): string {
  const lines: string[] = [];
  const dry = report.options.dryRun;
  lines.push(`repair ${report.dataset.root}${dry ? " (dry run: nothing written)" : ""}`);
  lines.push(`  before: ${tally(report.before)}`, "");
  if (report.changed.length === 0) lines.push(dry ? "nothing to change" : "nothing changed");
  else lines.push(dry ? "would change:" : "changed:");
  for (const c of report.changed) lines.push(`  ${c.file}  (${c.check})`, `      ${c.what}`);
  if (report.unfixed.length > 0) lines.push("", dry ? "would not fix:" : "could not fix:");
  for (const u of report.unfixed) lines.push(`  ${u.file ?? "(dataset)"}  (${u.check})`, `      ${u.why}`);
  const verdict = report.valid ? "VALID" : "INVALID";
  lines.push("", dry ? `now ${verdict}: ${tally(report.after)} (run without --dry-run to repair)` : `after repair ${verdict}: ${tally(report.after)}`);
  return `${lines.join("\n")}\n`;
}

function tally(t: { errors: number; warnings: number }): string {
  return `${t.errors} error${t.errors === 1 ? "" : "s"}, ${t.warnings} warning${t.warnings === 1 ? "" : "s"}`;
}
