/** The human form of a verify report: one line per check group, the findings, a verdict. */
import { formatTraffic } from "../dataset/index.js";
import type { VerifyReport } from "./report.js";

const STATUS: Record<string, string> = { pass: "pass", warn: "warn", fail: "FAIL", skipped: "skip" };

/** The text `lerobot-ts verify` prints for a report: one line per group, each finding with its hint, the verdict. */
export function formatVerifyReport(report: VerifyReport): string {
  const lines: string[] = [];
  const d = report.dataset;
  const what = [
    d.robotType ?? "no robot type",
    d.fps !== null ? `${d.fps} fps` : undefined,
    d.episodes !== null ? plural(d.episodes, "episode") : undefined,
    d.frames !== null ? plural(d.frames, "frame") : undefined,
    d.tasks !== null ? plural(d.tasks, "task") : undefined,
    d.cameras.length > 0 ? `cameras ${d.cameras.map((c) => c.replace(/^observation\.images\./, "")).join(", ")}` : "no cameras",
  ].filter(Boolean);
  lines.push(`verify ${d.root}`, `  ${what.join(", ")}`);
  if (d.episodes !== null && d.checkedEpisodes < d.episodes) lines.push(`  data and videos of the first ${d.checkedEpisodes} episodes only (--max-episodes)`);
  lines.push("");
  for (const g of report.groups) {
    const counts = [g.errors ? plural(g.errors, "error") : "", g.warnings ? plural(g.warnings, "warning") : ""].filter(Boolean).join(", ");
    const detail = g.status === "skipped" ? g.reason ?? "" : counts;
    lines.push(`  ${STATUS[g.status]!.padEnd(4)}  ${g.group.padEnd(9)} ${detail}`.trimEnd());
  }
  if (report.findings.length > 0) lines.push("");
  for (const f of report.findings) {
    lines.push(`${f.severity === "error" ? "error  " : "warning"} ${f.check}: ${f.message}`);
    const where = f.file && !f.message.includes(f.file) ? `${f.file}${f.row !== undefined ? ` row ${f.row}` : ""}` : undefined;
    if (where) lines.push(`        in ${where}`);
    lines.push(`        hint: ${f.hint}`);
  }
  const listed = new Map<string, number>();
  for (const f of report.findings) listed.set(f.check, (listed.get(f.check) ?? 0) + 1);
  for (const [check, n] of Object.entries(report.countsByCheck)) {
    const more = n - (listed.get(check) ?? 0);
    if (more > 0) lines.push(`        (+${more} more ${check} finding${more === 1 ? "" : "s"} not listed)`);
  }
  const { errors, warnings } = report.summary;
  const tally = `${plural(errors, "error")}, ${plural(warnings, "warning")}`;
  const strictNote = report.options.strict && errors === 0 && warnings > 0 ? " (--strict: warnings fail)" : "";
  lines.push("", `${report.valid ? "VALID" : "INVALID"}: ${tally}${strictNote} in ${(report.timingsMs.total / 1000).toFixed(2)} s`);
  if (report.remote) lines.push(formatTraffic(report.remote));
  return `${lines.join("\n")}\n`;
}


function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
