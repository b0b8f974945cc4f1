/**
 * ensureLocalDataset: a repo id is read from the local cache and fetched from the test Hub only
 * when the cache lacks something; a path never touches the network. The requests the Hub saw
 * tell what was fetched.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureLocalDataset } from "../../src/hub/ensure.js";
import type { PullResult } from "../../src/hub/pull.js";
import { testHubEnv, writeSmallDataset } from "../helpers/hub-dataset.js";
import { startHubServer } from "../helpers/hub-server.js";
import type { HubServer } from "../helpers/hub-server.js";
import { tempDir } from "../helpers/synthetic.js";

const REPO = "lerobot/small";
let hub: HubServer;
let dir: string;
let source: string;
let n = 0;

beforeAll(async () => {
  dir = tempDir("lerobot-ts-hub-ensure-");
  source = path.join(dir, "source");
  await writeSmallDataset(source, [3, 4, 5]);
  hub = await startHubServer();
  await hub.seedDataset(REPO, source, { tags: ["v3.0"] });
}, 60_000);
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** An environment with an empty HF_LEROBOT_HOME of its own. */
function freshEnv(): NodeJS.ProcessEnv {
  return testHubEnv(hub, path.join(dir, `case-${n++}`));
}

/** Repo files fetched whole since the last reset (resolve requests), posix paths. */
const fetched = (): string[] =>
  hub.requests.filter((r) => r.method === "GET" && r.path.includes("/resolve/")).map((r) => r.path.replace(/^.*\/resolve\/[^/]+\//, "")).sort();

describe("ensureLocalDataset", () => {
  it("returns a path as it is, without touching the network, whether or not it exists", async () => {
    hub.resetCounters();
    expect(await ensureLocalDataset(source, { env: freshEnv() })).toBe(source);
    expect(await ensureLocalDataset(path.join(dir, "missing"), { env: freshEnv() })).toBe(path.join(dir, "missing"));
    expect(hub.requests).toEqual([]);
  });

  it("downloads a repo id the cache lacks into $HF_LEROBOT_HOME/<repo_id>, then reads the complete copy offline", async () => {
    const env = freshEnv();
    const pulls: PullResult[] = [];
    const local = await ensureLocalDataset(REPO, { env, onPull: (r) => pulls.push(r) });
    expect(local).toBe(path.join(env.HF_LEROBOT_HOME!, "lerobot", "small"));
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ repoId: REPO, root: local, revision: "v3.0" });
    for (const file of ["meta/info.json", "data/chunk-000/file-002.parquet"]) {
      expect(fs.readFileSync(path.join(local, file)).equals(fs.readFileSync(path.join(source, file))), file).toBe(true);
    }

    hub.resetCounters();
    expect(await ensureLocalDataset(REPO, { env: { ...env, HF_HUB_OFFLINE: "1" }, onPull: (r) => pulls.push(r) })).toBe(local);
    expect(hub.requests).toEqual([]);
    expect(pulls).toHaveLength(1);
  });

  it("fetches only the data file missing from an otherwise complete copy", async () => {
    const env = freshEnv();
    const local = await ensureLocalDataset(REPO, { env });
    fs.rmSync(path.join(local, "data/chunk-000/file-001.parquet"));
    hub.resetCounters();
    await ensureLocalDataset(REPO, { env });
    expect(fetched()).toEqual(["data/chunk-000/file-001.parquet"]);
  });

  it("with episodes, is complete once those episodes' files are there", async () => {
    const env = freshEnv();
    const local = await ensureLocalDataset(REPO, { env, episodes: [1] });
    expect(fs.existsSync(path.join(local, "data/chunk-000/file-001.parquet"))).toBe(true);
    expect(fs.existsSync(path.join(local, "data/chunk-000/file-000.parquet"))).toBe(false);
    hub.resetCounters();
    await ensureLocalDataset(REPO, { env, episodes: [1] });
    expect(hub.requests).toEqual([]);
    // Another episode is missing locally: only its data file is fetched.
    await ensureLocalDataset(REPO, { env, episodes: [2] });
    expect(fetched()).toEqual(["data/chunk-000/file-002.parquet"]);
  });

  it("asks the Hub again when a revision is given, even for a complete copy", async () => {
    const env = freshEnv();
    await ensureLocalDataset(REPO, { env });
    hub.resetCounters();
    const pulls: PullResult[] = [];
    await ensureLocalDataset(REPO, { env, revision: "main", onPull: (r) => pulls.push(r) });
    expect(pulls.map((p) => [p.revision, p.downloaded.length])).toEqual([["main", 0]]);
    expect(hub.requests.length).toBeGreaterThan(0);
  });

  it("replaces metadata that does not read with the Hub's copy", async () => {
    const env = freshEnv();
    const local = await ensureLocalDataset(REPO, { env });
    fs.rmSync(path.join(local, "meta/episodes"), { recursive: true });
    hub.resetCounters();
    await ensureLocalDataset(REPO, { env });
    expect(fetched().every((f) => f.startsWith("meta/episodes/"))).toBe(true);
    expect(fetched().length).toBeGreaterThan(0);
    expect(fs.readdirSync(path.join(local, "meta/episodes/chunk-000")).sort()).toEqual(fs.readdirSync(path.join(source, "meta/episodes/chunk-000")).sort());
  });

  it("puts the dataset under root/<repo_id> with root, and in the folder itself with folder", async () => {
    const env = freshEnv();
    const root = path.join(dir, "parent");
    expect(await ensureLocalDataset(REPO, { env, root })).toBe(path.join(root, "lerobot", "small"));
    expect(fs.existsSync(path.join(root, "lerobot", "small", "meta/info.json"))).toBe(true);
    const folder = path.join(dir, "exact-folder");
    expect(await ensureLocalDataset(REPO, { env, folder })).toBe(folder);
    expect(fs.existsSync(path.join(folder, "meta/info.json"))).toBe(true);
  });

  it("fails with a HubError when the cache lacks the dataset and HF_HUB_OFFLINE is set", async () => {
    await expect(ensureLocalDataset(REPO, { env: { ...freshEnv(), HF_HUB_OFFLINE: "1" } })).rejects.toThrow(/HF_HUB_OFFLINE/);
  });
});
