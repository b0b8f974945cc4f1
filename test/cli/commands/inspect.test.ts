/** `lerobot-ts inspect` as a user runs it: the built bin, its tables, --json, exit codes and one-line errors. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerInspect } from "../../../src/cli/commands/inspect.js";
import type { DatasetReport, InspectReport, ParquetReport } from "../../../src/inspect/index.js";
import { inspectReportSchema } from "../../../src/inspect/index.js";
import { runCommand } from "../../helpers/cli-in-process.js";
import { REAL_FIXTURE } from "../../helpers/real-fixture.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";

const bin = path.join(import.meta.dirname, "..", "..", "..", "bin", "lerobot-ts.js");
const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("cli-inspect: skipped, dist/ is missing (npm test builds it; run `npm run build`)");
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

function json(...args: string[]): InspectReport {
  const result = run(...args, "--json");
  expect(result.status, result.stderr).toBe(0);
  return inspectReportSchema.parse(JSON.parse(result.stdout));
}

/** The lines of one section of the text output (from its title to the next blank line). */
function section(stdout: string, title: RegExp): string[] {
  const lines = stdout.split("\n");
  const start = lines.findIndex((l) => title.test(l));
  expect(start, `no section ${title}`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf("", start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** One-line error on stderr, no stack trace. */
function expectOneLineError(result: ReturnType<typeof run>, status: number, message: RegExp): void {
  expect(result.status, result.stderr).toBe(status);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  expect(result.stderr).toMatch(/^lerobot-ts: error: /);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe.skipIf(!built)("lerobot-ts inspect", () => {
  let dir: string;
  let root: string;
  let dataFile: string;
  beforeAll(async () => {
    dir = tempDir();
    root = path.join(dir, "ds");
    const writer = await writeSynthetic({ root, episodes: [10, 14], cameras: ["front"] });
    await writer.finalize();
    dataFile = path.join(root, "data/chunk-000/file-000.parquet");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints a parquet file's schema, row groups, sample rows, stats and episodes as tables", () => {
    const result = run("inspect", dataFile);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe(dataFile);
    expect(section(result.stdout, /^schema$/).map((l) => l.trim().split(/\s+/)[0])).toEqual(
      ["column", "action", "observation.state", "timestamp", "frame_index", "episode_index", "index", "task_index"],
    );
    expect(section(result.stdout, /^rows 0:5 of 24$/)).toHaveLength(6);
    expect(section(result.stdout, /^column stats/).some((l) => /^\s+action\[5\]\s+gripper\.pos\s+24\s+0\s/.test(l))).toBe(true);
    const episodes = section(result.stdout, /^episodes/).slice(1).map((l) => l.trim().split(/\s+/).slice(0, 2).map(Number));
    expect(episodes).toEqual([[0, 10], [1, 14]]);
  });

  it("--json prints one document that validates against the exported schema", () => {
    const report = json("inspect", dataFile) as ParquetReport;
    expect(report).toMatchObject({ schema: "lerobot-ts/inspect@1", kind: "parquet", numRows: 24, file: dataFile });
    expect(report.episodes!.map((e) => e.rows)).toEqual([10, 14]);
  });

  it("--rows 3:5 shows exactly rows 3 and 4; --columns limits the columns", () => {
    const report = json("inspect", dataFile, "--rows", "3:5", "--columns", "index,frame_index") as ParquetReport;
    expect(report.sample.rows).toEqual([{ index: 3, frame_index: 3 }, { index: 4, frame_index: 4 }]);
    expect(report.columnStats!.map((s) => s.column)).toEqual(["index", "frame_index"]);

    const text = run("inspect", dataFile, "--rows=3:5", "--columns=index,timestamp").stdout;
    const rows = section(text, /^rows 3:5 of 24$/);
    expect(rows[0]!.trim().split(/\s+/)).toEqual(["row", "index", "timestamp"]);
    expect(rows.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual([["3", "3"], ["4", "4"]]);
    expect(section(text, /^column stats/).map((l) => l.trim().split(/\s+/)[0])).toEqual(["column", "index", "timestamp"]);

    const head = json("inspect", dataFile, "--head", "2", "--no-stats") as ParquetReport;
    expect(head.sample.rows.map((r) => r.index)).toEqual([0, 1]);
    expect(head.columnStats).toBeNull();
  });

  it("describes the dataset folder: info, cameras probed from the mp4, files, and --episodes", () => {
    const result = run("inspect", root, "--episodes");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\s+frames\s+24 \(0\.80 s\)$/m);
    expect(result.stdout).toMatch(/observation\.images\.front\s+video\s+h264\s+96x64\s+yuv420p\s+30\s+\S+file-000\.mp4\s+h264 96x64, 24 frames/);
    expect(section(result.stdout, /^episodes$/).slice(1).map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual([["0", "10"], ["1", "14"]]);

    const report = json("inspect", root, "--episodes") as DatasetReport;
    expect(report).toMatchObject({ kind: "dataset", root, totalFrames: 24, totalEpisodes: 2 });
    expect(report.episodes!.map((e) => e.length)).toEqual([10, 14]);
    expect(report.cameras[0]!.files[0]!.probe!.frameCount).toBe(24);

    // A repo id under --root resolves as LeRobot resolves it.
    expect(json("inspect", "ds", "--root", dir)).toMatchObject({ kind: "dataset", root });
  });

  it("exits 1 with one line naming the file for a truncated parquet", () => {
    const truncated = path.join(dir, "truncated.parquet");
    const bytes = fs.readFileSync(dataFile);
    fs.writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    expectOneLineError(run("inspect", truncated), 1, new RegExp(`${truncated.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} has no parquet footer`));
  });

  it("exits 2 for usage errors: bad --rows, unknown columns, paths that are neither", () => {
    expectOneLineError(run("inspect", dataFile, "--rows", "5"), 2, /--rows must be A:B/);
    expectOneLineError(run("inspect", dataFile, "--rows", "5:3"), 2, /--rows must be A:B/);
    expectOneLineError(run("inspect", dataFile, "--head", "-1"), 2, /--head must be an integer >= 0/);
    expectOneLineError(run("inspect", dataFile, "--columns", "index,nope"), 2, /no column 'nope'/);
    expectOneLineError(run("inspect", dataFile, "--episodes"), 2, /--episodes applies to a dataset/);
    expectOneLineError(run("inspect", root, "--rows", "0:2"), 2, /--rows applies to a parquet file/);
    expectOneLineError(run("inspect", path.join(dir, "nothing-here")), 2, /does not exist/);
    expectOneLineError(run("inspect", path.join(dir, "nothing.parquet")), 2, /does not exist/);
    const text = path.join(dir, "notes.txt");
    fs.writeFileSync(text, "hello");
    expectOneLineError(run("inspect", text), 2, /neither a \.parquet file nor a dataset folder/);
    expectOneLineError(run("inspect", path.join(root, "data")), 2, /neither a \.parquet file nor a dataset folder \(no meta\/info\.json\)/);
    expect(run("inspect").status).toBe(2);
  });

  describe("on the real so101-record-test dataset", () => {
    it("the data parquet: 4 episodes whose rows add up to 1492", () => {
      const result = run("inspect", path.join(REAL_FIXTURE, "data/chunk-000/file-000.parquet"));
      expect(result.status, result.stderr).toBe(0);
      const rows = section(result.stdout, /^episodes/).slice(1).map((l) => Number(l.trim().split(/\s+/)[1]));
      expect(rows).toEqual([373, 374, 372, 373]);
      expect(rows.reduce((a, b) => a + b, 0)).toBe(1492);
    });

    it("the meta parquet files read and validate", () => {
      const episodes = json("inspect", path.join(REAL_FIXTURE, "meta/episodes/chunk-000/file-000.parquet")) as ParquetReport;
      expect(episodes.numRows).toBe(4);
      const tasks = json("inspect", path.join(REAL_FIXTURE, "meta/tasks.parquet")) as ParquetReport;
      expect(tasks.sample.rows[0]!.__index_level_0__).toBe("Pick the orange cube and place it in the box");
    });

    it("the dataset: its two missing mp4 files are shown as missing, exit 0", () => {
      const result = run("inspect", REAL_FIXTURE);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toBe("");
      expect(section(result.stdout, /^cameras$/).filter((l) => /\.mp4\s+missing$/.test(l))).toHaveLength(2);
      const report = json("inspect", REAL_FIXTURE) as DatasetReport;
      expect(report.files.videos).toMatchObject({ count: 0, missing: 2 });
    });
  });
});

describe("registerInspect, run in-process", () => {
  const dir = tempDir("lerobot-ts-cli-inspect-");
  const root = path.join(dir, "ds");
  let dataFile: string;
  const inspect = async (...args: string[]) => runCommand(registerInspect, ["inspect", ...args]);
  beforeAll(async () => {
    await (await writeSynthetic({ root, episodes: [3, 4], cameras: [] })).finalize();
    dataFile = path.join(root, "data/chunk-000/file-000.parquet");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("knows a parquet file by its PAR1 magic whatever its name", async () => {
    const renamed = path.join(dir, "frames.bin");
    fs.copyFileSync(dataFile, renamed);
    const r = await inspect(renamed, "--json", "--head=1");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: "parquet", numRows: 7, file: renamed });
  });

  it("--no-stats leaves the column stats out of a parquet report", async () => {
    const r = await inspect(dataFile, "--json", "--no-stats");
    expect((JSON.parse(r.stdout) as ParquetReport).columnStats).toBeNull();
  });

  it("refuses options that contradict each other or do not apply, each with one line and exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [[dataFile, "--head=2", "--rows=0:1"], /use either --head or --rows, not both/],
      [[dataFile, "--columns= , "], /--columns needs at least one column name/],
      [[root, "--no-stats"], /--no-stats applies to a parquet file; .* is a dataset/],
      [[root, "--head=1", "--columns=index"], /--head, --columns apply to a parquet file/],
    ];
    for (const [args, message] of cases) {
      const r = await inspect(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^lerobot-ts: error: /);
      expect(r.stderr).toMatch(message);
    }
  });
});
