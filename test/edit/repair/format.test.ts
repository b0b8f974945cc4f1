/**
 * formatRepairReport: the text `lerobot-ts repair` prints. Each change and each refusal is listed
 * under its file with its check and the reason; a dry run says nothing was written; the last line
 * is the verdict with the remaining tally.
 */
import { describe, expect, it } from "vitest";
import { formatRepairReport } from "../../../src/edit/repair/format.js";
import type { RepairReport } from "../../../src/edit/repair/report.js";

function report(overrides: Partial<RepairReport> = {}): RepairReport {
  return {
    schema: "lerobot-ts/repair@1", tool: { name: "lerobot-ts", version: "0.0.0" }, dataset: { root: "/d/pick" },
    options: { dryRun: false, removeUnreferenced: false, deep: false },
    changed: [], unfixed: [], before: { errors: 0, warnings: 0 }, after: { errors: 0, warnings: 0 }, valid: true, findings: [],
    ...overrides,
  };
}

describe("formatRepairReport", () => {
  it("lists each change under its file with the check, and ends with the verdict", () => {
    const text = formatRepairReport(report({
      changed: [{ check: "stats.missing", file: "meta/stats.json", what: "rebuilt from the stats of the 4 episodes" }],
      before: { errors: 1, warnings: 2 }, after: { errors: 0, warnings: 1 },
    }));
    expect(text).toBe([
      "repair /d/pick",
      "  before: 1 error, 2 warnings",
      "",
      "changed:",
      "  meta/stats.json  (stats.missing)",
      "      rebuilt from the stats of the 4 episodes",
      "",
      "after repair VALID: 0 errors, 1 warning",
      "",
    ].join("\n"));
  });

  it("lists what it could not fix with the reason, a finding of no file as the dataset's, and says INVALID", () => {
    const text = formatRepairReport(report({
      unfixed: [
        { check: "videos.codec", file: "videos/a.mp4", why: "needs a decision" },
        { check: "dataset.empty", why: "nothing to repair" },
      ],
      before: { errors: 2, warnings: 0 }, after: { errors: 2, warnings: 0 }, valid: false,
    }));
    expect(text).toContain("nothing changed\n");
    expect(text).toContain("\ncould not fix:\n  videos/a.mp4  (videos.codec)\n      needs a decision\n  (dataset)  (dataset.empty)\n      nothing to repair\n");
    expect(text.trimEnd().split("\n").at(-1)).toBe("after repair INVALID: 2 errors, 0 warnings");
  });

  it("in a dry run says nothing was written and speaks of what it would do", () => {
    const dry = { dryRun: true, removeUnreferenced: false, deep: false };
    const text = formatRepairReport(report({
      options: dry, valid: false, before: { errors: 1, warnings: 0 }, after: { errors: 1, warnings: 0 },
      changed: [{ check: "stats.missing", file: "meta/stats.json", what: "rebuilt" }],
      unfixed: [{ check: "videos.codec", file: "videos/a.mp4", why: "needs a decision" }],
    }));
    expect(text.split("\n")[0]).toBe("repair /d/pick (dry run: nothing written)");
    expect(text).toContain("\nwould change:\n  meta/stats.json  (stats.missing)\n");
    expect(text).toContain("\nwould not fix:\n");
    expect(text).toContain("now INVALID: 1 error, 0 warnings (run without --dry-run to repair)\n");
    expect(formatRepairReport(report({ options: dry }))).toContain("\nnothing to change\n");
  });
});
