/** formatVerifyReport: the text `lerobot-ts verify` prints. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeSyntheticDataset } from "../../src/dataset/synthetic.js";
import { CHECKS } from "../../src/verify/catalog.js";
import { formatVerifyReport } from "../../src/verify/format.js";
import type { VerifyFinding, VerifyReport } from "../../src/verify/report.js";
import { verifyDataset } from "../../src/verify/verify.js";
import { tempDir } from "../helpers/synthetic.js";

/** A report as verifyDataset makes one, with the parts a test changes. */
function report(overrides: Partial<VerifyReport> = {}): VerifyReport {
  return {
    schema: "lerobot-ts/verify@1",
    tool: { name: "lerobot-ts", version: "0.0.0" },
    dataset: { root: "/data/ds", codebaseVersion: "v3.0", robotType: "so101_follower", fps: 30, episodes: 4, frames: 400, tasks: 1, cameras: ["observation.images.front", "observation.images.wrist"], checkedEpisodes: 4 },
    options: { strict: false, skipVideos: false, deep: false, maxEpisodes: null },
    valid: true,
    verdict: "valid",
    summary: { errors: 0, warnings: 0, omittedFindings: 0 },
    groups: [
      { group: "info", status: "pass", errors: 0, warnings: 0 },
      { group: "deep", status: "skipped", errors: 0, warnings: 0, reason: "run with --deep to decode every frame" },
    ],
    findings: [],
    countsByCheck: {},
    timingsMs: { total: 1234 },
    ...overrides,
  };
}

const finding = (check: keyof typeof CHECKS, message: string, where: Partial<VerifyFinding> = {}): VerifyFinding => ({
  check, group: check.split(".")[0] as VerifyFinding["group"], severity: CHECKS[check].severity, message, hint: CHECKS[check].hint, ...where,
});

describe("formatVerifyReport", () => {
  it("prints what the dataset is, one line per group, and the verdict with the time", () => {
    expect(formatVerifyReport(report())).toBe([
      "verify /data/ds",
      "  so101_follower, 30 fps, 4 episodes, 400 frames, 1 task, cameras front, wrist",
      "",
      "  pass  info",
      "  skip  deep      run with --deep to decode every frame",
      "",
      "VALID: 0 errors, 0 warnings in 1.23 s",
      "",
    ].join("\n"));
  });

  it("says what it does not know of a dataset whose info.json could not be read", () => {
    const text = formatVerifyReport(report({ dataset: { root: "/x", codebaseVersion: null, robotType: null, fps: null, episodes: null, frames: null, tasks: null, cameras: [], checkedEpisodes: 0 } }));
    expect(text.split("\n")[1]).toBe("  no robot type, no cameras");
  });

  it("prints each finding with its hint, and where when the message does not say", () => {
    const findings = [
      finding("data.index", "index goes from 149 to 151 at row 150", { file: "data/chunk-000/file-000.parquet", row: 150 }),
      finding("info.total_frames", "total_frames is 401", { file: "meta/info.json" }),
      finding("videos.missing_file", "videos/a.mp4 does not exist", { file: "videos/a.mp4" }),
    ];
    const text = formatVerifyReport(report({
      valid: false, verdict: "invalid", findings, summary: { errors: 3, warnings: 0, omittedFindings: 0 },
      countsByCheck: { "data.index": 1, "info.total_frames": 1, "videos.missing_file": 1 },
      groups: [{ group: "data", status: "fail", errors: 1, warnings: 0 }],
    }));
    expect(text).toContain([
      "  FAIL  data      1 error",
      "",
      "error   data.index: index goes from 149 to 151 at row 150",
      "        in data/chunk-000/file-000.parquet row 150",
      `        hint: ${CHECKS["data.index"].hint}`,
      "error   info.total_frames: total_frames is 401",
      "        in meta/info.json",
      `        hint: ${CHECKS["info.total_frames"].hint}`,
      "error   videos.missing_file: videos/a.mp4 does not exist",
      `        hint: ${CHECKS["videos.missing_file"].hint}`,
    ].join("\n"));
    expect(text).toMatch(/\nINVALID: 3 errors, 0 warnings in 1\.23 s\n$/);
  });

  it("counts the findings of a check left out of the list", () => {
    const text = formatVerifyReport(report({
      findings: [finding("data.nulls", "column 'a' has 1 null values")],
      countsByCheck: { "data.nulls": 4 },
      summary: { errors: 4, warnings: 0, omittedFindings: 3 },
    }));
    expect(text).toContain("        (+3 more data.nulls findings not listed)\n");
  });

  it("notes --max-episodes, --strict failing on warnings, and the Hub traffic", () => {
    const text = formatVerifyReport(report({
      dataset: { ...report().dataset, checkedEpisodes: 2 },
      options: { strict: true, skipVideos: false, deep: false, maxEpisodes: 2 },
      valid: false, verdict: "invalid",
      findings: [finding("tasks.unused", "task 1 'wave' is used by no episode", { file: "meta/tasks.parquet", row: 1 })],
      countsByCheck: { "tasks.unused": 1 },
      summary: { errors: 0, warnings: 1, omittedFindings: 0 },
      groups: [{ group: "tasks", status: "warn", errors: 0, warnings: 1 }],
      remote: { repoId: "lerobot/ds", revision: "main", commit: "0123456789abcdef", bytesRead: 1000, datasetBytes: 100000, requests: 1 },
    }));
    expect(text).toContain("  data and videos of the first 2 episodes only (--max-episodes)\n");
    expect(text).toContain("  warn  tasks     1 warning\n");
    expect(text).toContain("warning tasks.unused: task 1 'wave' is used by no episode\n        in meta/tasks.parquet row 1\n");
    expect(text).toContain("INVALID: 0 errors, 1 warning (--strict: warnings fail) in 1.23 s\n");
    expect(text.endsWith("read 1,000 bytes of 100,000 (1.00%) in 1 request, at commit 01234567\n")).toBe(true);
  });
});

describe("formatVerifyReport on a real report", () => {
  const dir = tempDir("lerobot-ts-format-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // One episode: counts of one are singular ("1 episodes" before).
  it("prints every group verify ran and the verdict of a healthy dataset of one episode", async () => {
    const root = path.join(dir, "ds");
    await writeSyntheticDataset({ root, episodes: 1, frames: 100, cameras: [] });
    const lines = formatVerifyReport(await verifyDataset(root)).split("\n");
    expect(lines[0]).toBe(`verify ${root}`);
    expect(lines[1]).toBe("  so101_follower, 30 fps, 1 episode, 100 frames, 1 task, no cameras");
    expect(lines.filter((l) => /^ {2}(pass|skip) /.test(l)).map((l) => l.trim().split(/\s+/)[1])).toEqual(["info", "tasks", "episodes", "data", "videos", "stats", "files", "quality", "deep"]);
    expect(lines.at(-2)).toMatch(/^VALID: 0 errors, 0 warnings in \d+\.\d\d s$/);
  }, 60_000);
});
