/**
 * The datasets laid out as LeRobot v0.6.1 writes them (fixtures/lerobot-v0.6/, made by their own
 * generator from the LeRobot source's rules): they open, their values match DuckDB's, they
 * verify with no error (--deep too), inspect, resume from the library and the record command
 * (robot type so_follower resumed as so101_follower), and serve in the viewer.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import type { LeRobotDataset } from "../../src/dataset/reader.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { inspectDataset } from "../../src/inspect/dataset.js";
import { inspectParquetFile } from "../../src/inspect/parquet-file.js";
import { verifyDataset } from "../../src/verify/verify.js";
import { startViewServer } from "../../src/view/server.js";
import { openDuck, plain, sqlPath } from "../helpers/duckdb.js";
import { runCli } from "../helpers/cli.js";
import { JOINTS, tempDir } from "../helpers/synthetic.js";

const FIXTURES = path.join(import.meta.dirname, "..", "..", "fixtures", "lerobot-v0.6");
const RECORD = path.join(FIXTURES, "so101-record");
const FEATURES = path.join(FIXTURES, "features");
const readInfo = (root: string) => JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8")) as Record<string, unknown> & { features: Record<string, { info?: Record<string, unknown> }> };


describe("LeRobot v0.6 datasets: reading", () => {
  let record: LeRobotDataset;
  let features: LeRobotDataset;
  beforeAll(async () => {
    record = await openDataset(RECORD);
    features = await openDataset(FEATURES);
  });

  it("opens both, keeping every info key as written (is_depth_map, encoder settings, depth_unit, tools)", () => {
    expect(record.robotType).toBe("so_follower");
    expect(record.info).toEqual(readInfo(RECORD));
    expect(features.info).toEqual(readInfo(FEATURES));
    expect(features.features["observation.images.depth"]!.info).toMatchObject({ is_depth_map: true, depth_unit: "mm", "video.pix_fmt": "gray12le" });
    expect(features.features["observation.images.top"]!.info).toEqual({ is_depth_map: false });
    expect(features.features.language_events!.dtype).toBe("language");
    expect((features.info as Record<string, unknown>).tools).toBeDefined();
  });

  it("reads 2-D and 3-D features, ints and language columns with the values DuckDB reads", async () => {
    const duck = await openDuck();
    const rows = await duck.rows(`SELECT * FROM read_parquet(${sqlPath(path.join(FEATURES, "data/chunk-000/file-000.parquet"))}) ORDER BY index`);
    duck.close();
    const columns = await features.readColumns(["observation.grid", "observation.cube", "observation.counter", "observation.flags"]);
    expect(columns["observation.grid"]!.dim).toBe(6);
    expect(columns["observation.cube"]!.dim).toBe(8);
    for (const key of ["observation.grid", "observation.cube", "observation.counter", "observation.flags"]) {
      const { values } = columns[key]!;
      const expected = rows.flatMap((r) => [plain(r[key])].flat(3)).map(Number);
      expect(Array.from(values, Number), key).toEqual(expected.map((v) => (key === "observation.counter" || key === "observation.flags" ? v : Math.fround(v))));
    }
    const table = await features.readFrames({ episodes: [1], columns: ["language_events", "language_persistent"] });
    expect(table.numRows).toBe(4);
    const events = rows.slice(6).map((r) => plain(r.language_events));
    const ours = Array.from({ length: 4 }, (_, i) => (table.getChild("language_events")!.get(i)?.toArray() ?? []).map((s: { toJSON(): unknown }) => s.toJSON()));
    expect(ours.map((l) => l.length)).toEqual(events.map((l) => (l as unknown[]).length));
    expect(JSON.stringify(ours)).toContain("role");
  });

  it("decodes the AV1 camera and the PNG image feature, and says plainly that depth is not decoded", async () => {
    const rgb = await record.decodeFrame("observation.images.front", 1, 3);
    expect([rgb.width, rgb.height, rgb.data.length]).toEqual([96, 64, 96 * 64 * 3]);
    const png = await features.decodeFrame("observation.images.top", 1, 2);
    expect([png.width, png.height]).toEqual([64, 48]);
    await expect(features.decodeFrame("observation.images.depth", 0, 0)).rejects.toThrow(/depth map.*does not decode depth videos yet/);
  });

  it("verifies with no error and no warning but short episodes, --deep included", async () => {
    for (const root of [RECORD, FEATURES]) {
      const report = await verifyDataset(root, { deep: true });
      expect(report.findings.filter((f) => f.check !== "quality.short_episode"), root).toEqual([]);
      expect(report.valid).toBe(true);
    }
  });

  it("inspects both datasets and their data files", async () => {
    const report = await inspectDataset(FEATURES);
    expect(report.features.map((f) => f.dtype)).toContain("language");
    expect(report.features.find((f) => f.key === "observation.grid")!.shape).toEqual([2, 3]);
    const file = await inspectParquetFile(path.join(FEATURES, "data/chunk-000/file-000.parquet"), { head: 2 });
    expect(file.sample.rows).toHaveLength(2);
    expect((await inspectDataset(RECORD)).cameras.map((c) => c.codec)).toEqual(["av1", "av1"]);
  });

  it("serves the recorded dataset in the viewer: episode windows, AV1 codec, joint series", async () => {
    const server = await startViewServer(RECORD);
    try {
      const episode = await (await fetch(`${new URL(server.url).origin}/api/episode_1.json`)).json() as {
        length: number; videos: { key: string; codec: string; fromTimestampS: number }[]; plots: Record<string, { values: number[][] }>;
      };
      expect(episode.length).toBe(25);
      expect(episode.videos.map((v) => [v.key, v.codec])).toEqual([["observation.images.front", "av1"], ["observation.images.wrist", "av1"]]);
      expect(episode.videos[0]!.fromTimestampS).toBeCloseTo(20 / 30, 9);
      expect(episode.plots.action!.values[0]).toHaveLength(25);
    } finally {
      await server.close();
    }
  });
});

describe("LeRobot v0.6 datasets: replaying", () => {
  it("replays an episode of the recorded dataset on the simulated follower", async () => {
    const r = await runCli(["replay", "--robot.type=so101_follower", "--robot.port=sim", "--dataset.repo_id=test/v06", `--dataset.root=${RECORD}`,
      "--dataset.episode=1", "--approach_s=0.3"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/replayed 25 frames/);
  }, 60_000);
});

describe("LeRobot v0.6 datasets: resuming", () => {
  const dir = tempDir("lerobot-ts-v06-resume-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const copy = (name: string) => {
    const to = path.join(dir, name);
    fs.cpSync(RECORD, to, { recursive: true });
    return to;
  };
  const cameras = JSON.stringify({ front: { type: "synthetic", width: 96, height: 64, fps: 30 }, wrist: { type: "synthetic", width: 96, height: 64, fps: 30 } });
  const recordArgs = (root: string) => ["record", "--robot.type=so101_follower", "--robot.port=sim", `--robot.cameras=${cameras}`, "--teleop.type=so101_leader",
    "--teleop.port=sim", "--dataset.repo_id=test/v06", `--dataset.root=${root}`, "--dataset.single_task=Pick the cube", "--dataset.num_episodes=1",
    "--dataset.episode_time_s=1", "--dataset.reset_time_s=0", "--resume=true", "--play_sounds=false", "--dataset.push_to_hub=false"];

  it("adds an episode from the library in new files, with the dataset's codec and settings, and still verifies", async () => {
    const root = copy("library");
    const before = readInfo(root);
    const writer = await DatasetWriter.resume(root);
    expect(writer.videoCodec).toBe("libsvtav1");
    for (let k = 0; k < 12; k++) {
      await writer.addFrame({
        task: "Pick the cube", action: JOINTS.map((_, j) => k + j), "observation.state": JOINTS.map((_, j) => k - j),
        "observation.images.front": new Uint8Array(96 * 64 * 3).fill(k * 10), "observation.images.wrist": new Uint8Array(96 * 64 * 3).fill(200 - k * 10),
      } as never);
    }
    await writer.saveEpisode();
    await writer.finalize();
    const after = readInfo(root);
    expect(after.total_episodes).toBe(4);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(after.features).toEqual(before.features);
    expect(fs.existsSync(path.join(root, "videos/observation.images.front/chunk-000/file-001.mp4"))).toBe(true);
    const report = await verifyDataset(root, { deep: true });
    expect(report.findings.filter((f) => f.check !== "quality.short_episode")).toEqual([]);
  }, 60_000);

  it("resumes with `record --resume` as so101_follower (the dataset says so_follower)", async () => {
    const root = copy("cli");
    const r = await runCli(recordArgs(root));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^verify: VALID/m);
    expect(readInfo(root).total_episodes).toBe(4);
    expect(readInfo(root).robot_type).toBe("so_follower");
  }, 90_000);

  it("resumes a v0.6 dataset created but never saved (cameras with only {is_depth_map: false})", async () => {
    const root = path.join(dir, "empty");
    fs.mkdirSync(path.join(root, "meta"), { recursive: true });
    const info = readInfo(RECORD);
    for (const key of ["observation.images.front", "observation.images.wrist"]) info.features[key]!.info = { is_depth_map: false };
    Object.assign(info, { total_episodes: 0, total_frames: 0, total_tasks: 0, splits: {} });
    fs.writeFileSync(path.join(root, "meta/info.json"), JSON.stringify(info, null, 4));
    const r = await runCli(recordArgs(root));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^verify: VALID/m);
    const written = readInfo(root);
    expect(written.total_episodes).toBe(1);
    expect(Object.keys(written.features["observation.images.front"]!.info!)).toEqual(Object.keys(readInfo(RECORD).features["observation.images.front"]!.info!));
  }, 90_000);
});
