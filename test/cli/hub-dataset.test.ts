/**
 * Datasets by repo id for the reading commands: a repo id the local cache lacks is fetched from
 * the (test) Hub first, with its progress and closing line on stderr; stdout is left to the command.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import { localDataset, parseEpisodeList } from "../../src/cli/hub-dataset.js";
import { startHubServer } from "../helpers/hub-server.js";
import type { HubServer } from "../helpers/hub-server.js";
import { tempDir, writeSynthetic } from "../helpers/synthetic.js";

describe("parseEpisodeList", () => {
  it("reads 0,2,5 and [0, 2, 5], sorted and without repeats", () => {
    expect(parseEpisodeList("episodes", "5,0,2")).toEqual([0, 2, 5]);
    expect(parseEpisodeList("episodes", "[2, 0, 2]")).toEqual([0, 2]);
    expect(parseEpisodeList("episodes", " 7 ")).toEqual([7]);
  });

  it("refuses an empty list and what is not an episode number, naming the flag", () => {
    expect(() => parseEpisodeList("episodes", "[]")).toThrow(new UsageError("--episodes must list episode numbers, e.g. 0,2,5, got '[]'"));
    expect(() => parseEpisodeList("episodes", "1,-2")).toThrow(/--episodes must be an integer >= 0, got '-2'/);
    expect(() => parseEpisodeList("episodes", "1,,2")).toThrow(UsageError);
    expect(() => parseEpisodeList("episodes", "one")).toThrow(UsageError);
  });
});

describe("localDataset", () => {
  const dir = tempDir("lerobot-ts-cli-hub-dataset-");
  const source = path.join(dir, "source");
  let hub: HubServer;
  let stderr = "";
  let stdout = "";
  beforeAll(async () => {
    await (await writeSynthetic({ root: source, episodes: [4, 5], cameras: [] })).finalize();
    hub = await startHubServer();
    await hub.seedDataset("me/small", source, { tags: ["v3.0"] });
  }, 120_000);
  afterAll(async () => {
    await hub?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  function capture(): void {
    stderr = "";
    stdout = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => { stderr += String(chunk); return true; });
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => { stdout += String(chunk); return true; });
  }

  it("gives a local folder as it is, fetching and printing nothing", async () => {
    capture();
    expect(await localDataset(source)).toBe(path.resolve(source));
    expect(stderr + stdout).toBe("");
  });

  it("fetches a repo id the cache lacks into $HF_LEROBOT_HOME, saying so on stderr only; a complete copy is not fetched again", async () => {
    const home = path.join(dir, "home");
    vi.stubEnv("HF_ENDPOINT", hub.endpoint);
    vi.stubEnv("HF_TOKEN", "");
    vi.stubEnv("HF_HOME", path.join(dir, "hf-home"));
    vi.stubEnv("HF_LEROBOT_HOME", home);
    capture();
    const root = await localDataset("me/small");
    expect(root).toBe(path.join(home, "me", "small"));
    expect(fs.readFileSync(path.join(root, "meta", "info.json"), "utf8")).toBe(fs.readFileSync(path.join(source, "meta", "info.json"), "utf8"));
    expect(stdout).toBe("");
    expect(stderr).toMatch(new RegExp(`^fetched me/small at v3\\.0 into ${root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\d+ file\\(s\\), \\d+\\.\\d MB\\n$`, "m"));

    hub.resetCounters();
    capture();
    expect(await localDataset("me/small")).toBe(root);
    expect(stderr).toBe("");
    expect(hub.requests).toEqual([]);
  });
});
