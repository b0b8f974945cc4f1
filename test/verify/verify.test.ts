/**
 * verify as a user runs it: the real LeRobot dataset, exit codes, repo ids, --json against the
 * published JSON Schema, and the pieces verify is built from.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticDataset } from "../../src/dataset/synthetic.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { CHECKS } from "../../src/verify/catalog.js";
import { parsePythonJson, toPythonJson } from "../../src/dataset/python-json.js";
import { verifyReportJsonSchema } from "../../src/verify/report.js";
import type { VerifyReport } from "../../src/verify/report.js";
import { calibrationBounds, findJumps } from "../../src/verify/signals.js";
import { NoDatasetError, verifyDataset } from "../../src/verify/verify.js";
import { REAL_FIXTURE } from "../helpers/real-fixture.js";
import { tempDir } from "../helpers/synthetic.js";

const ROOT = path.join(import.meta.dirname, "..", "..");
const bin = path.join(ROOT, "bin", "lerobot-ts.js");
const built = fs.existsSync(path.join(ROOT, "dist", "cli", "main.js"));
if (!built) console.warn("verify CLI tests: skipped, dist/ is missing (npm test builds it; run `npm run build`)");
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
const publishedSchema = JSON.parse(fs.readFileSync(path.join(ROOT, "schemas", "verify-v1.schema.json"), "utf8")) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true }).compile(publishedSchema);

function expectValidJson(stdout: string): VerifyReport {
  const report = JSON.parse(stdout) as VerifyReport;
  const ok = validate(report);
  expect(ok, JSON.stringify(validate.errors)).toBe(true);
  return report;
}

describe("the published JSON Schema", () => {
  it("is the one generated from the report's zod schema (run `npm run schemas` after changing it)", () => {
    expect(publishedSchema).toEqual(JSON.parse(JSON.stringify(verifyReportJsonSchema())));
  });

  it("rejects a report that breaks the contract", () => {
    expect(validate({ schema: "lerobot-ts/verify@2" })).toBe(false);
  });

  it("every check id is documented in the README", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const undocumented = Object.keys(CHECKS).filter((id) => !readme.includes(`\`${id}\``));
    expect(undocumented).toEqual([]);
  });
});

describe("verify on the real LeRobot dataset", () => {
  it("reports its two missing video files, the clipped leader elbow, and nothing else", async () => {
    const report = await verifyDataset(REAL_FIXTURE);
    const errors = report.findings.filter((f) => f.severity === "error");
    expect(errors.map((f) => [f.check, f.file])).toEqual([
      ["videos.missing_file", "videos/observation.images.front/chunk-000/file-000.mp4"],
      ["videos.missing_file", "videos/observation.images.top/chunk-000/file-000.mp4"],
    ]);
    // The leader's elbow went past its calibrated range: LeRobot clamped the action to 100.
    const warnings = report.findings.filter((f) => f.severity === "warning");
    expect(warnings.map((f) => f.check)).toEqual(["quality.clipping"]);
    expect(warnings[0]!.message).toMatch(/^action elbow_flex\.pos is exactly at a calibration bound/);
    expect(report.dataset).toMatchObject({ episodes: 4, frames: 1492, tasks: 1, fps: 30, robotType: "so101_follower" });
    expect(report.valid).toBe(false);
  });

  it.skipIf(!built)("passes with --skip-videos (exit 0), fails with --strict, finds it as a repo id under --root", () => {
    const skip = run("verify", REAL_FIXTURE, "--skip-videos", "--json");
    expect(skip.status, skip.stderr).toBe(0);
    const report = expectValidJson(skip.stdout);
    expect(report.groups.find((g) => g.group === "videos")).toMatchObject({ status: "skipped", reason: "--skip-videos" });
    expect(report.summary.errors).toBe(0);

    expect(run("verify", REAL_FIXTURE, "--skip-videos", "--strict").status).toBe(1);

    const byRepoId = run("verify", "so101-record-test", "--root", path.dirname(REAL_FIXTURE), "--json");
    expect(byRepoId.status).toBe(1);
    expect(expectValidJson(byRepoId.stdout).summary.errors).toBe(2);
  });

  it.skipIf(!built)("prints a line per check group, the findings and a verdict", () => {
    const human = run("verify", REAL_FIXTURE);
    expect(human.status).toBe(1);
    expect(human.stdout).toMatch(/^\s+FAIL\s+videos\s+2 errors$/m);
    expect(human.stdout).toMatch(/^\s+pass\s+data$/m);
    expect(human.stdout).toMatch(/^error\s+videos\.missing_file: videos\/observation\.images\.front\/chunk-000\/file-000\.mp4 does not exist/m);
    expect(human.stdout).toMatch(/hint: copy the videos\/ folder/);
    expect(human.stdout.trim().split("\n").at(-1)).toMatch(/^INVALID: 2 errors, 1 warning in \d+\.\d\d s$/);
  });
});

describe("verify on a dataset lerobot-ts wrote", () => {
  const dir = tempDir("lerobot-ts-verify-");
  const root = path.join(dir, "ds");
  beforeAll(async () => {
    await writeSyntheticDataset({ root, episodes: 3, frames: 40, cameras: ["front"], width: 64, height: 48 });
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is valid, with the short-episode warning a trainer needs to see", async () => {
    const report = await verifyDataset(root);
    expect(report.summary.errors).toBe(0);
    expect(report.findings.map((f) => f.check)).toEqual(["quality.short_episode"]);
    expect(report.findings[0]!.message).toBe("3 of 3 episodes are shorter than 100 frames (shortest: episode 0, 40 frames = 1.3 s)");
    expect(report.valid).toBe(true);
    expect((await verifyDataset(root, { strict: true })).valid).toBe(false);
  });

  it("checks only the first episodes' data and videos with maxEpisodes", async () => {
    const report = await verifyDataset(root, { maxEpisodes: 1 });
    expect(report.dataset.checkedEpisodes).toBe(1);
    expect(report.groups.find((g) => g.group === "files")).toMatchObject({ status: "skipped" });
  });

  it("reports progress through the callback", async () => {
    const groups = new Set<string>();
    await verifyDataset(root, { onProgress: (p) => groups.add(p.group) });
    expect([...groups]).toEqual(expect.arrayContaining(["info", "data", "videos", "stats"]));
  });

  it("throws NoDatasetError where there is no dataset", async () => {
    await expect(verifyDataset(path.join(dir, "nothing-here"))).rejects.toBeInstanceOf(NoDatasetError);
    fs.mkdirSync(path.join(dir, "empty"));
    await expect(verifyDataset(path.join(dir, "empty"))).rejects.toThrow(/neither meta\/ nor data\//);
  });

  it.skipIf(!built)("exits 2 with one line for no dataset and bad flags", () => {
    for (const args of [["verify", path.join(dir, "nothing-here")], ["verify", path.join(root, "meta", "info.json")], ["verify", root, "--max-episodes=many"], ["verify"]]) {
      const result = run(...args);
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(run("verify", path.join(dir, "nothing-here")).stderr.trim()).toMatch(/^lerobot-ts: error: no dataset at .*nothing-here: the folder does not exist$/);
  });
});

describe("verify on other feature kinds", () => {
  it("passes PNG image features, bool and int columns, and a writer given no robot type", async () => {
    const dir = tempDir("lerobot-ts-verify-img-");
    try {
      const root = path.join(dir, "ds");
      const writer = await DatasetWriter.create({
        root, repoId: "test/images", fps: 30, useVideos: false, robotType: undefined as unknown as null,
        features: {
          "observation.state": { dtype: "float32", shape: [2], names: ["a.pos", "b.pos"] },
          "observation.images.cam": { dtype: "image", shape: [24, 32, 3] },
          flag: { dtype: "bool", shape: [1] },
          count: { dtype: "int32", shape: [1] },
        },
      });
      for (let e = 0; e < 2; e++) {
        for (let k = 0; k < 100; k++) {
          await writer.addFrame({ task: "t", "observation.state": [30 * Math.sin(k / 9), k / 3], "observation.images.cam": new Uint8Array(32 * 24 * 3).fill(k), flag: k % 2 === 0, count: k });
        }
        await writer.saveEpisode();
      }
      await writer.finalize();
      const report = await verifyDataset(root, { deep: true });
      expect(report.findings).toEqual([]);
      expect(report.dataset.robotType).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("pieces", () => {
  it("parses Python's NaN and Infinity in JSON, and leaves strings alone", () => {
    const parsed = parsePythonJson('{"a": [NaN, -Infinity, 1.5, Infinity], "s": "NaN Infinity \\" NaN"}') as { a: number[]; s: string };
    expect(parsed.a[0]).toBeNaN();
    expect(parsed.a.slice(1)).toEqual([-Infinity, 1.5, Infinity]);
    expect(parsed.s).toBe('NaN Infinity " NaN');
    expect(() => parsePythonJson('{"a": [1, 2')).toThrow();
    // Written back as Python writes it, and read again to the same numbers.
    const text = toPythonJson({ a: [NaN, -Infinity, 1.5], s: "NaN" });
    expect(text).toContain("NaN,");
    expect(text).toContain("-Infinity,");
    expect(text).toContain('"s": "NaN"');
    const again = parsePythonJson(text) as { a: number[] };
    expect(again.a[0]).toBeNaN();
    expect(again.a[1]).toBe(-Infinity);
  });

  it("finds a one-frame spike in a short episode but not fast smooth motion", () => {
    const n = 60;
    const smooth = Float32Array.from({ length: n }, (_, k) => 50 * Math.sin(k / 3));
    expect(findJumps(smooth, 1, 0, n)).toEqual([]);
    const spiky = smooth.slice();
    spiky[30]! += 80;
    const [jump, ...more] = findJumps(spiky, 1, 0, n);
    expect(more).toEqual([]);
    expect(jump!.dimension).toBe(0);
    expect([30, 31]).toContain(jump!.frame); // into the spike or back out of it, whichever is larger
    // Start/stop motion: long pauses, then fast moves, as teleoperation often is.
    const startStop = Float32Array.from({ length: 300 }, (_, k) => (k % 100 < 80 ? Math.floor(k / 100) * 40 : Math.floor(k / 100) * 40 + ((k % 100) - 80) * 2));
    expect(findJumps(startStop, 1, 0, 300)).toEqual([]);
  });

  it("knows LeRobot's calibration bounds by joint name", () => {
    expect(calibrationBounds("gripper.pos")).toEqual([0, 100]);
    expect(calibrationBounds("elbow_flex.pos")).toEqual([-100, 100]);
    expect(calibrationBounds("x.vel")).toBeUndefined();
  });
});
