/**
 * loadDataset: a dataset's metadata read through DatasetFiles, for a dataset read in place. On a
 * local folder it must give what the local reader gives; on the test Hub it reads meta/ only.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDatasetFiles } from "../../src/dataset/files.js";
import { openDataset } from "../../src/dataset/reader.js";
import { DatasetError } from "../../src/errors.js";
import { loadDataset } from "../../src/inspect/load-dataset.js";
import { openHubDatasetFiles } from "../../src/remote/hub-dataset-files.js";
import { testHubEnv, writeSmallDataset } from "../helpers/hub-dataset.js";
import { startHubServer } from "../helpers/hub-server.js";
import type { HubServer } from "../helpers/hub-server.js";
import { tempDir } from "../helpers/synthetic.js";

const LENGTHS = [3, 5, 4];
let dir: string;
let root: string;
let n = 0;

beforeAll(async () => {
  dir = tempDir("lerobot-ts-load-dataset-");
  root = path.join(dir, "ds");
  await writeSmallDataset(root, LENGTHS);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A copy of the dataset with one change, as DatasetFiles. */
function damagedCopy(change: (copy: string) => void): LocalDatasetFiles {
  const copy = path.join(dir, `copy-${n++}`);
  fs.cpSync(root, copy, { recursive: true });
  change(copy);
  return new LocalDatasetFiles(copy);
}

/** The DatasetError loadDataset fails with. */
async function loadError(files: LocalDatasetFiles): Promise<DatasetError> {
  const error = await loadDataset(files).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

describe("loadDataset on a local folder", () => {
  it("gives the info, tasks and episodes the local reader gives, every episodes file in order", async () => {
    const loaded = await loadDataset(new LocalDatasetFiles(root));
    const reader = await openDataset(root);
    expect(loaded.root).toBe(root);
    expect(loaded.info).toEqual(reader.info);
    expect(loaded.tasks).toEqual(["task 0", "task 1", "task 2"]);
    expect(loaded.episodes).toEqual(reader.episodes);
    // The small files limit puts each episode's metadata in its own file: all were read.
    expect(fs.readdirSync(path.join(root, "meta/episodes/chunk-000")).length).toBe(LENGTHS.length);
    expect(loaded.episodes.map((e) => [e.episodeIndex, e.length])).toEqual(LENGTHS.map((l, i) => [i, l]));
  });

  it("ignores files in meta/episodes that are not chunk-XXX/file-XXX.parquet", async () => {
    const files = damagedCopy((copy) => {
      fs.writeFileSync(path.join(copy, "meta/episodes/chunk-000/notes.txt"), "not metadata");
      fs.mkdirSync(path.join(copy, "meta/episodes/old"));
      fs.copyFileSync(path.join(copy, "meta/episodes/chunk-000/file-000.parquet"), path.join(copy, "meta/episodes/old/file-000.parquet"));
    });
    expect((await loadDataset(files)).episodes.map((e) => e.episodeIndex)).toEqual([0, 1, 2]);
  });
});

describe("loadDataset failures", () => {
  it("says there is no dataset when meta/info.json is missing", async () => {
    const files = damagedCopy((copy) => fs.rmSync(path.join(copy, "meta/info.json")));
    expect((await loadError(files)).message).toBe(`no LeRobot dataset at ${files.location}: meta/info.json not found`);
  });

  it("says meta/info.json is not JSON, not v3.0, or not a valid v3.0 info.json", async () => {
    const info = () => JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8")) as Record<string, unknown>;
    const notJson = damagedCopy((copy) => fs.writeFileSync(path.join(copy, "meta/info.json"), "{ not json"));
    expect((await loadError(notJson)).message).toMatch(/^meta\/info\.json is not valid JSON: /);
    const old = damagedCopy((copy) => fs.writeFileSync(path.join(copy, "meta/info.json"), JSON.stringify({ ...info(), codebase_version: "v2.1" })));
    expect((await loadError(old)).message).toMatch(/^meta\/info\.json: .*v2\.1/);
    const invalid = damagedCopy((copy) => fs.writeFileSync(path.join(copy, "meta/info.json"), JSON.stringify({ ...info(), fps: "fast" })));
    expect((await loadError(invalid)).message).toMatch(/^meta\/info\.json is not a valid v3\.0 info\.json: /);
  });

  it("says which metadata is missing or unreadable: tasks.parquet, meta/episodes, an episodes file", async () => {
    const noTasks = damagedCopy((copy) => fs.rmSync(path.join(copy, "meta/tasks.parquet")));
    expect((await loadError(noTasks)).message).toBe(`${noTasks.location} has no meta/tasks.parquet`);
    const noEpisodes = damagedCopy((copy) => fs.rmSync(path.join(copy, "meta/episodes"), { recursive: true }));
    expect((await loadError(noEpisodes)).message).toBe(`no episodes metadata: ${noEpisodes.location} has no meta/episodes`);
    const broken = damagedCopy((copy) => fs.writeFileSync(path.join(copy, "meta/episodes/chunk-000/file-001.parquet"), "not parquet"));
    const error = await loadError(broken);
    expect(error.message).toMatch(/^meta\/episodes\/chunk-000\/file-001\.parquet: /);
  });
});

describe("loadDataset on a Hub dataset read in place", () => {
  let hub: HubServer;
  beforeAll(async () => {
    hub = await startHubServer();
    await hub.seedDataset("lerobot-ts/meta-only", root, { tags: ["v3.0"] });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it("gives what the local folder gives, reading files of meta/ only", async () => {
    const files = await openHubDatasetFiles("lerobot-ts/meta-only", { env: testHubEnv(hub, dir) });
    hub.resetCounters();
    const loaded = await loadDataset(files);
    const local = await loadDataset(new LocalDatasetFiles(root));
    expect([loaded.info, loaded.tasks]).toEqual([local.info, local.tasks]);
    // Paths are under the Hub dataset's own root instead of the folder's.
    expect(loaded.episodes.map((e) => ({ ...e, dataFile: path.relative(files.root, e.dataFile) })))
      .toEqual(local.episodes.map((e) => ({ ...e, dataFile: path.relative(root, e.dataFile) })));
    const read = hub.requests.filter((r) => r.path.includes("/resolve/")).map((r) => r.path.replace(/^.*\/resolve\/[^/]+\//, ""));
    expect(read.length).toBeGreaterThan(0);
    expect(read.every((p) => p.startsWith("meta/"))).toBe(true);
    expect(read).not.toContain("meta/stats.json");
    expect(files.traffic().bytesRead).toBe(hub.bytesServed());
  });
});
