/**
 * openDataset as the library exports it: a folder is opened as it is; a repo id the cache lacks
 * is downloaded from the test Hub first, as LeRobotDataset("user/name") does.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset as openLocalDataset } from "../../src/dataset/reader.js";
import { DatasetError } from "../../src/errors.js";
import { openDataset } from "../../src/hub/open.js";
import { testHubEnv, writeSmallDataset } from "../helpers/hub-dataset.js";
import { startHubServer } from "../helpers/hub-server.js";
import type { HubServer } from "../helpers/hub-server.js";
import { stateValue, tempDir } from "../helpers/synthetic.js";

const LENGTHS = [3, 4, 5];
let hub: HubServer;
let dir: string;
let source: string;

beforeAll(async () => {
  dir = tempDir("lerobot-ts-hub-open-");
  source = path.join(dir, "source");
  await writeSmallDataset(source, LENGTHS);
  hub = await startHubServer();
  await hub.seedDataset("lerobot/small", source, { tags: ["v3.0"] });
}, 60_000);
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("openDataset", () => {
  it("opens a folder without the network", async () => {
    hub.resetCounters();
    const dataset = await openDataset(source, { env: testHubEnv(hub, path.join(dir, "a")) });
    expect(dataset.root).toBe(source);
    expect(dataset.episodes.map((e) => e.length)).toEqual(LENGTHS);
    expect(hub.requests).toEqual([]);
  });

  it("downloads a repo id into $HF_LEROBOT_HOME and reads the same frames as the original", async () => {
    const env = testHubEnv(hub, path.join(dir, "b"));
    const dataset = await openDataset("lerobot/small", { env });
    expect(dataset.root).toBe(path.join(env.HF_LEROBOT_HOME!, "lerobot", "small"));
    expect(dataset.episodes.map((e) => e.length)).toEqual(LENGTHS);
    const state = await dataset.readColumn("observation.state", { episodes: [2] });
    const original = await (await openLocalDataset(source)).readColumn("observation.state", { episodes: [2] });
    expect(state).toEqual(original);
    expect((await dataset.readFrames({ episodes: [2], columns: ["observation.state"] })).getChild("observation.state")!.get(4)!.get(3)).toBe(stateValue(2, 4, 3));
  });

  it("with episodes, downloads only their data files and reads them", async () => {
    const env = testHubEnv(hub, path.join(dir, "c"));
    const dataset = await openDataset("lerobot/small", { env, episodes: [1] });
    expect(fs.readdirSync(path.join(dataset.root, "data/chunk-000"))).toEqual(["file-001.parquet"]);
    expect((await dataset.readFrames({ episodes: [1] })).numRows).toBe(LENGTHS[1]);
  });

  it("fails as the reader does for a folder that is not a dataset, and as the Hub layer for an unknown repo", async () => {
    const env = testHubEnv(hub, path.join(dir, "d"));
    await expect(openDataset(path.join(dir, "nothing"), { env })).rejects.toThrow(DatasetError);
    await expect(openDataset("lerobot/none", { env })).rejects.toThrow(/lerobot\/none/);
  });
});
