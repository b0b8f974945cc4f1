/**
 * openDataset and LeRobotDataset: a dataset folder read as LeRobot reads it (by position and
 * index, never guessing), frames of chosen episodes in the order asked, only the columns asked,
 * and every missing or broken file named. Written datasets come from the writer; the image
 * frames of a LeRobot v0.6 file are checked against the PNG bytes DuckDB reads.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/errors.js";
import { decodePng } from "../../src/dataset/png.js";
import type { LeRobotDataset } from "../../src/dataset/reader.js";
import { listEpisodesFiles, openDataset } from "../../src/dataset/reader.js";
import { openDuck, sqlPath } from "../helpers/duckdb.js";
import { readBarcode } from "../helpers/barcode.js";
import { editEpisodes, editInfo, editJson } from "../helpers/corrupt.js";
import { JOINTS, stateValue, tempDir, writeSynthetic } from "../helpers/synthetic.js";

const LENGTHS = [4, 6, 3];
const V06_FEATURES = path.join(import.meta.dirname, "../../fixtures/lerobot-v0.6/features");

let dir: string;
/** Three episodes without cameras, one data file with a row group per episode. */
let root: string;
let ds: LeRobotDataset;
beforeAll(async () => {
  dir = tempDir();
  root = path.join(dir, "user", "plain");
  await (await writeSynthetic({ root, episodes: LENGTHS, cameras: [], tasks: (e) => (e === 1 ? "place" : "pick") })).finalize();
  ds = await openDataset(root);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The `index` column of a table as numbers. */
const indices = (table: { getChild(name: string): { toArray(): unknown } | null }) => Array.from(table.getChild("index")!.toArray() as BigInt64Array, Number);
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

function copyOf(name: string): string {
  const copy = path.join(dir, name);
  fs.cpSync(root, copy, { recursive: true });
  return copy;
}

describe("openDataset", () => {
  it("opens a folder with info.json's facts, the tasks and the episodes", () => {
    expect([ds.fps, ds.robotType, ds.numEpisodes, ds.numFrames]).toEqual([30, "so101_follower", 3, 13]);
    expect(ds.tasks).toEqual(["pick", "place"]);
    expect(ds.episodes.map((e) => [e.episodeIndex, e.length, e.datasetFromIndex, e.datasetToIndex])).toEqual([[0, 4, 0, 4], [1, 6, 4, 10], [2, 3, 10, 13]]);
    expect(ds.episodes[1]!.dataFile).toBe(path.join(root, "data/chunk-000/file-000.parquet"));
    expect(ds.cameraKeys).toEqual([]);
    expect(ds.stats!["observation.state"]!.count).toEqual([13]);
  });

  it("resolves a repo id under `root`, as LeRobot's --root does", async () => {
    const byId = await openDataset("user/plain", { root: dir });
    expect(byId.root).toBe(root);
    expect(byId.numFrames).toBe(13);
  });

  it("names what is missing or wrong in info.json", async () => {
    await expect(openDataset(path.join(dir, "nothing"))).rejects.toThrow(/no LeRobot dataset at .*nothing: meta\/info.json not found/);
    const badJson = copyOf("bad-json");
    fs.writeFileSync(path.join(badJson, "meta/info.json"), "{");
    await expect(openDataset(badJson)).rejects.toThrow(/meta\/info.json is not valid JSON/);
    const old = copyOf("v21");
    editInfo(old, (info) => { info.codebase_version = "v2.1"; });
    await expect(openDataset(old)).rejects.toThrow(/codebase_version is v2.1; lerobot-ts reads v3.0 only/);
    const invalid = copyOf("invalid");
    editJson(path.join(invalid, "meta/info.json"), (info) => { delete info.fps; });
    const error = await openDataset(invalid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).file).toBe(path.join(invalid, "meta/info.json"));
    expect((error as Error).message).toMatch(/is not a valid v3.0 info.json: fps: /);
  });

  it("names a missing tasks file or episodes folder", async () => {
    const noTasks = copyOf("no-tasks");
    fs.rmSync(path.join(noTasks, "meta/tasks.parquet"));
    await expect(openDataset(noTasks)).rejects.toThrow(/meta\/tasks.parquet/);
    const noEpisodes = copyOf("no-episodes");
    fs.rmSync(path.join(noEpisodes, "meta/episodes"), { recursive: true });
    await expect(openDataset(noEpisodes)).rejects.toThrow(/no episodes metadata: .*meta\/episodes cannot be read/);
  });
});

describe("LeRobotDataset lookups", () => {
  it("finds an episode by episode_index and a task by task_index, refusing others as DatasetError", () => {
    expect(ds.episode(2).length).toBe(3);
    expect(ds.taskText(1)).toBe("place");
    expect(() => ds.episode(3)).toThrow(DatasetError);
    expect(() => ds.episode(3)).toThrow("episode 3 does not exist (the dataset has 3 episodes)");
    expect(() => ds.taskText(2)).toThrow(/task_index 2 is not in meta\/tasks.parquet/);
  });

  it("makes file paths from info.json's templates, refusing one that leaves the dataset", async () => {
    expect(ds.dataFilePath(1, 2)).toBe(path.join(root, "data/chunk-001/file-002.parquet"));
    // No cameras: LeRobot writes video_path null.
    expect(() => ds.videoFilePath("observation.images.front", 0, 3)).toThrow("info.json has no video_path");
    const escaping = copyOf("escaping");
    editInfo(escaping, (info) => { info.data_path = "../outside/{chunk_index}-{file_index}.parquet"; });
    await expect(openDataset(escaping)).rejects.toThrow(/escapes the dataset folder/);
  });
});

describe("readFrames", () => {
  it("gives every row in index order by default", async () => {
    expect(indices(await ds.readFrames())).toEqual(range(0, 13));
  });

  it("gives the chosen episodes' rows in the order the episodes are given", async () => {
    const table = await ds.readFrames({ episodes: [2, 0] });
    expect(indices(table)).toEqual([...range(10, 3), ...range(0, 4)]);
    expect(Array.from(table.getChild("episode_index")!.toArray() as BigInt64Array, Number)).toEqual([2, 2, 2, 0, 0, 0, 0]);
  });

  it("gives only the columns asked for, index included or not", async () => {
    const withIndex = await ds.readFrames({ episodes: [1], columns: ["index", "observation.state"] });
    expect(withIndex.schema.fields.map((f) => f.name).sort()).toEqual(["index", "observation.state"]);
    const withoutIndex = await ds.readFrames({ episodes: [1], columns: ["frame_index"] });
    expect(withoutIndex.schema.fields.map((f) => f.name)).toEqual(["frame_index"]);
    expect(Array.from(withoutIndex.getChild("frame_index")!.toArray() as BigInt64Array, Number)).toEqual(range(0, 6));
  });

  it("gives an empty table with the columns for no episodes", async () => {
    const empty = await ds.readFrames({ episodes: [], columns: ["index"] });
    expect([empty.numRows, empty.schema.fields.map((f) => f.name)]).toEqual([0, ["index"]]);
  });

  it("refuses a data file that does not hold an episode's rows where the metadata says", async () => {
    const shifted = copyOf("shifted");
    // Episode 2's metadata claims rows 11..13 (its rows are 10..12, the last of the file).
    await editEpisodes(shifted, (records) => { Object.assign(records[2]!, { datasetFromIndex: 11, datasetToIndex: 14 }); });
    const broken = await openDataset(shifted);
    await expect(broken.readFrames({ episodes: [2] })).rejects.toThrow(/does not hold episode 2's rows \(index 11..13\) contiguously/);
  });

  it("names a data file that is missing", async () => {
    const missing = copyOf("missing-data");
    fs.rmSync(path.join(missing, "data/chunk-000/file-000.parquet"));
    const error = await (await openDataset(missing)).readFrames().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).file).toBe(path.join(missing, "data/chunk-000/file-000.parquet"));
  });
});

describe("readColumn and readColumns", () => {
  it("give a numeric column of the chosen episodes as flat row-major values", async () => {
    const state = await ds.readColumn("observation.state", { episodes: [1] });
    expect([state.dim, state.numRows]).toEqual([JOINTS.length, 6]);
    expect(Array.from(state.values as Float32Array)).toEqual(range(0, 6).flatMap((k) => JOINTS.map((_, j) => stateValue(1, k, j))));
    const both = await ds.readColumns(["observation.state", "action"], { episodes: [0, 2] });
    expect(both["observation.state"]!.numRows).toBe(7);
    expect(both.action!.dim).toBe(6);
  });

  it("refuses a column the data files do not have", async () => {
    await expect(ds.readColumn("observation.nothing")).rejects.toThrow("column 'observation.nothing' is not in the data files");
  });
});

describe("decodeFrame", () => {
  let cams: LeRobotDataset;
  beforeAll(async () => {
    const camRoot = path.join(dir, "cams");
    await (await writeSynthetic({ root: camRoot, episodes: [3, 4], cameras: ["front"] })).finalize();
    cams = await openDataset(camRoot);
  });

  it("decodes frame k of episode e of a video camera, at from_timestamp + k / fps", async () => {
    const frame = await cams.decodeFrame("observation.images.front", 1, 2);
    expect([frame.width, frame.height]).toEqual([96, 64]);
    expect(cams.videoFilePath("observation.images.front", 0, 3)).toBe(path.join(cams.root, "videos/observation.images.front/chunk-000/file-003.mp4"));
    expect(readBarcode(frame.data, 96, 64, 3)).toEqual([1, 2, 0]);
    expect(frame.videoTimestampS).toBeCloseTo(cams.episode(1).cameras["observation.images.front"]!.fromTimestampS + 2 / 30, 9);
  });

  it("refuses a frame outside the episode and a key that is not a camera", async () => {
    await expect(cams.decodeFrame("observation.images.front", 1, 4)).rejects.toThrow("frame 4 is outside episode 1 (0..3)");
    await expect(cams.decodeFrame("observation.images.front", 0, -1)).rejects.toThrow(/outside episode 0/);
    await expect(cams.decodeFrame("observation.state", 0, 0)).rejects.toThrow("'observation.state' is not a camera of this dataset (cameras: observation.images.front)");
  });

  it("names a missing video file", async () => {
    const file = cams.episode(0).cameras["observation.images.front"]!.path;
    const copy = path.join(dir, "no-video");
    fs.cpSync(cams.root, copy, { recursive: true });
    fs.rmSync(path.join(copy, path.relative(cams.root, file)));
    await expect((await openDataset(copy)).decodeFrame("observation.images.front", 0, 0)).rejects.toThrow(/video file .* is missing/);
  });

  it("decodes an image feature's frame from the PNG stored in the data rows, as DuckDB reads those bytes", async () => {
    const v06 = await openDataset(V06_FEATURES);
    const episode = v06.episode(1);
    const frame = await v06.decodeFrame("observation.images.top", 1, 2);
    const duck = await openDuck();
    try {
      const [row] = await duck.rows(`SELECT "observation.images.top".bytes AS png FROM read_parquet(${sqlPath(episode.dataFile)}) WHERE "index" = ${episode.datasetFromIndex + 2}`);
      expect(frame).toEqual(decodePng(row!.png as Uint8Array));
      expect([frame.width, frame.height, frame.videoTimestampS]).toEqual([64, 48, undefined]);
    } finally {
      duck.close();
    }
  });

  it("refuses a depth-map video, which it cannot decode yet", async () => {
    const v06 = await openDataset(V06_FEATURES);
    await expect(v06.decodeFrame("observation.images.depth", 0, 0)).rejects.toThrow(/is a depth map/);
  });
});

describe("listEpisodesFiles", () => {
  it("lists meta/episodes files in chunk then file order, ignoring other names", async () => {
    const meta = path.join(dir, "listing", "meta", "episodes");
    for (const f of ["chunk-001/file-000.parquet", "chunk-000/file-010.parquet", "chunk-000/file-002.parquet", "chunk-000/notes.txt", "other/file-000.parquet"]) {
      fs.mkdirSync(path.dirname(path.join(meta, f)), { recursive: true });
      fs.writeFileSync(path.join(meta, f), "");
    }
    expect((await listEpisodesFiles(path.join(dir, "listing"))).map((f) => path.relative(meta, f)))
      .toEqual(["chunk-000/file-002.parquet", "chunk-000/file-010.parquet", "chunk-001/file-000.parquet"]);
  });
});
