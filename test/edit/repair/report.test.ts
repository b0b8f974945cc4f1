/**
 * The zod schema of `lerobot-ts repair --json` (lerobot-ts/repair@1): a report as repair makes it
 * parses; another version, a missing field or a malformed finding does not.
 */
import { describe, expect, it } from "vitest";
import { REPAIR_REPORT_SCHEMA_ID, repairReportSchema } from "../../../src/edit/repair/report.js";

const report = {
  schema: "lerobot-ts/repair@1",
  tool: { name: "lerobot-ts", version: "1.2.3" },
  dataset: { root: "/d/pick" },
  options: { dryRun: false, removeUnreferenced: true, deep: false },
  changed: [{ check: "stats.missing", file: "meta/stats.json", what: "rebuilt from the stats of the 4 episodes in meta/episodes" }],
  unfixed: [
    { check: "videos.codec", file: "videos/observation.images.front/chunk-000/file-000.mp4", why: "fixing it needs a decision" },
    { check: "dataset.empty", why: "no file: the dataset as a whole" },
  ],
  before: { errors: 2, warnings: 1 },
  after: { errors: 1, warnings: 1 },
  valid: false,
  findings: [{ check: "videos.codec", group: "videos", severity: "error", message: "codec is hevc", hint: "set video.codec", file: "videos/x.mp4" }],
};

describe("repairReportSchema", () => {
  it("names its version lerobot-ts/repair@1", () => {
    expect(REPAIR_REPORT_SCHEMA_ID).toBe("lerobot-ts/repair@1");
  });

  it("accepts a report as repair makes it, an unfixed entry with or without a file", () => {
    expect(repairReportSchema.parse(report)).toEqual(report);
  });

  it("rejects another version or tool, a missing option and a negative tally", () => {
    expect(repairReportSchema.safeParse({ ...report, schema: "lerobot-ts/repair@2" }).success).toBe(false);
    expect(repairReportSchema.safeParse({ ...report, tool: { name: "lerobot", version: "1" } }).success).toBe(false);
    expect(repairReportSchema.safeParse({ ...report, options: { dryRun: false, deep: false } }).success).toBe(false);
    expect(repairReportSchema.safeParse({ ...report, after: { errors: -1, warnings: 0 } }).success).toBe(false);
  });

  it("rejects a change without its file and a finding of an unknown group or severity", () => {
    expect(repairReportSchema.safeParse({ ...report, changed: [{ check: "stats.missing", what: "rebuilt" }] }).success).toBe(false);
    const finding = report.findings[0]!;
    expect(repairReportSchema.safeParse({ ...report, findings: [{ ...finding, group: "nonsense" }] }).success).toBe(false);
    expect(repairReportSchema.safeParse({ ...report, findings: [{ ...finding, severity: "fatal" }] }).success).toBe(false);
  });
});
