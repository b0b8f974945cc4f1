/**
 * Where verify and inspect read a dataset (openDatasetFiles): a local folder, or a Hub dataset in
 * place (hf://datasets/<repo_id>, or --remote). Against the test Hub, a 300-episode dataset with
 * two cameras is checked by range requests, reading a small share of its bytes, with the findings
 * a local verify of the same files gives.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDatasetFiles } from "../../src/dataset/files.js";
import { appendRowGroups } from "../../src/dataset/parquet-append.js";
import { encodeParquet, readParquet, readParquetMetadata } from "../../src/dataset/parquet.js";
import { HubError } from "../../src/hub/errors.js";
import { inspectDataset } from "../../src/inspect/dataset.js";
import { datasetReportSchema } from "../../src/inspect/report.js";
import { HubDatasetFiles } from "../../src/remote/hub-dataset-files.js";
import { openDatasetFiles, parseHubDatasetUrl } from "../../src/remote/open-dataset-files.js";
import { verifyDataset } from "../../src/verify/verify.js";
import type { VerifyReport } from "../../src/verify/report.js";
import { verifyReportSchema } from "../../src/verify/report.js";
import { writeCameraDataset } from "../helpers/camera-dataset.js";
import { runCli } from "../helpers/cli.js";
import { DATA_FILE, editJson, mapNumeric, pickRows } from "../helpers/corrupt.js";
import type { HubServer } from "../helpers/hub-server.js";
import { startHubServer } from "../helpers/hub-server.js";
import { tempDir } from "../helpers/synthetic.js";

const EPISODES = 300;
const LENGTH = 30;
const REPO = "lerobot-ts/remote-300";
const DAMAGED = "lerobot-ts/remote-300-damaged";

let hub: HubServer;
let base: string;
let root: string;
let damaged: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  base = tempDir("lerobot-ts-remote-");
  root = path.join(base, "ds");
  await writeCameraDataset(root, { episodes: EPISODES, length: LENGTH, width: 320, height: 240 });
  damaged = path.join(base, "damaged");
  fs.cpSync(root, damaged, { recursive: true });
  await damage(damaged);
  hub = await startHubServer();
  await hub.seedDataset(REPO, root, { tags: ["v3.0"] });
  await hub.seedDataset(DAMAGED, damaged, { tags: ["v3.0"] });
  // Only the test Hub and its token: no token file or HF_TOKEN of the machine running the tests.
  env = { HF_ENDPOINT: hub.endpoint, HF_TOKEN: hub.token, HF_HOME: path.join(base, "hf-home"), HF_HUB_OFFLINE: "" };
}, 180_000);

afterAll(async () => {
  await hub?.close();
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

/** A stale stats.json and a row group of a save that died before its metadata (rows past total_frames). */
async function damage(folder: string): Promise<void> {
  editJson(path.join(folder, "meta/stats.json"), (s) => { (s.action as Record<string, number[]>).mean![2]! += 0.5; });
  const file = path.join(folder, DATA_FILE);
  const table = await readParquet(file);
  const total = EPISODES * LENGTH;
  let extra = pickRows(table, Array.from({ length: 7 }, (_, i) => i));
  extra = mapNumeric(extra, "episode_index", (v) => (v as BigInt64Array).fill(BigInt(EPISODES)));
  extra = mapNumeric(extra, "index", (v) => { for (let i = 0; i < v.length; i++) (v as BigInt64Array)[i] = BigInt(total + i); });
  const keyValue = new Map([...(await readParquetMetadata(file)).keyValue].filter(([k]) => k !== "ARROW:schema"));
  fs.writeFileSync(file, appendRowGroups(fs.readFileSync(file), encodeParquet(extra, { keyValueMetadata: keyValue })));
}

/** What must not differ between a local and a remote verify: everything but where, timings and traffic. */
function verdict(report: VerifyReport) {
  return {
    dataset: { ...report.dataset, root: undefined },
    valid: report.valid,
    summary: report.summary,
    groups: report.groups.map(({ ms: _ms, ...g }) => g),
    findings: report.findings,
    countsByCheck: report.countsByCheck,
  };
}

function folderBytes(folder: string): number {
  return fs.readdirSync(folder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .reduce((n, e) => n + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
}

describe("parseHubDatasetUrl", () => {
  it("reads the repo id and the optional revision of hf://datasets/<repo_id>[@<revision>], the revision percent-decoded", () => {
    expect(parseHubDatasetUrl("hf://datasets/lerobot/pusht")).toEqual({ repoId: "lerobot/pusht" });
    expect(parseHubDatasetUrl("hf://datasets/lerobot/pusht@v3.0")).toEqual({ repoId: "lerobot/pusht", revision: "v3.0" });
    expect(parseHubDatasetUrl("hf://datasets/lerobot/pusht@refs%2Fpr%2F1")).toEqual({ repoId: "lerobot/pusht", revision: "refs/pr/1" });
  });

  it("is undefined for anything not starting with hf://", () => {
    for (const target of ["lerobot/pusht", "/data/pusht", "https://huggingface.co/datasets/lerobot/pusht", "datasets/lerobot/pusht"]) {
      expect(parseHubDatasetUrl(target), target).toBeUndefined();
    }
  });

  it("refuses an hf:// address that is not a dataset's, saying how to write one", () => {
    for (const target of ["hf://models/lerobot/pi0", "hf://datasets/", "hf://lerobot/pusht"]) {
      expect(() => parseHubDatasetUrl(target), target).toThrow(HubError);
      expect(() => parseHubDatasetUrl(target), target).toThrow(`'${target}' is not a Hub dataset address: write hf://datasets/<namespace>/<name>[@<revision>]`);
    }
  });
});

describe("openDatasetFiles", () => {
  it("gives a local folder for a path or a repo id, resolved as LeRobot does, without the network", async () => {
    hub.resetCounters();
    const folder = await openDatasetFiles(root, { env });
    expect(folder).toBeInstanceOf(LocalDatasetFiles);
    expect([folder.root, folder.traffic()]).toEqual([root, undefined]);
    expect((await openDatasetFiles("user/name", { root: base, env })).root).toBe(path.join(base, "user", "name"));
    expect((await openDatasetFiles("user/name", { env: { ...env, HF_LEROBOT_HOME: path.join(base, "home") } })).root).toBe(path.join(base, "home", "user", "name"));
    expect(hub.requests).toEqual([]);
  });

  it("reads hf://datasets/... and a repo id with remote on the Hub, at the revision either names", async () => {
    const byUrl = await openDatasetFiles(`hf://datasets/${REPO}@main`, { env });
    expect(byUrl).toBeInstanceOf(HubDatasetFiles);
    expect(byUrl.location).toBe(`hf://datasets/${REPO}@main`);
    expect((await openDatasetFiles(REPO, { env, remote: true })).location).toBe(`hf://datasets/${REPO}@v3.0`);
    expect((await openDatasetFiles(`hf://datasets/${REPO}`, { env, revision: "main" })).location).toBe(`hf://datasets/${REPO}@main`);
    expect((await openDatasetFiles(`hf://datasets/${REPO}@main`, { env, revision: "main" })).location).toBe(`hf://datasets/${REPO}@main`);
  });

  it("refuses options that do not fit where the dataset is: two revisions, --root on the Hub, --revision locally", async () => {
    await expect(openDatasetFiles(`hf://datasets/${REPO}@main`, { env, revision: "v3.0" }))
      .rejects.toThrow(`hf://datasets/${REPO}@main names revision main, --revision says v3.0: give one`);
    await expect(openDatasetFiles(REPO, { env, remote: true, root: base })).rejects.toThrow("--root applies to a local dataset, not to one read on the Hub");
    await expect(openDatasetFiles(root, { env, revision: "main" })).rejects.toThrow(HubError);
    await expect(openDatasetFiles(root, { env, revision: "main" })).rejects.toThrow(/^--revision applies to a dataset read on the Hub/);
  });
});

describe("verify a Hub dataset in place", () => {
  it("reads under 5% of a 300-episode, 2-camera dataset and finds what a local verify finds", async () => {
    hub.resetCounters();
    const remote = await verifyDataset(`hf://datasets/${REPO}`, { env });
    const local = await verifyDataset(root);
    expect(verdict(remote)).toEqual(verdict(local));
    expect(remote.valid).toBe(true);
    expect(remote.dataset.root).toBe(`hf://datasets/${REPO}@v3.0`);

    const traffic = remote.remote!;
    expect(verifyReportSchema.parse(remote)).toEqual(remote);
    expect(traffic.bytesRead).toBe(hub.bytesServed()); // what the client counted is what the server sent
    expect(traffic.datasetBytes).toBeGreaterThanOrEqual(folderBytes(root));
    expect(traffic.bytesRead / traffic.datasetBytes).toBeLessThan(0.05);
    console.log(`remote verify of ${EPISODES} episodes x ${LENGTH} frames, 2 cameras: read ${traffic.bytesRead} of ${traffic.datasetBytes} bytes ` +
      `(${((100 * traffic.bytesRead) / traffic.datasetBytes).toFixed(2)}%) in ${traffic.requests} requests, ${remote.timingsMs.total} ms (local: ${local.timingsMs.total} ms)`);
  }, 120_000);

  it("finds the same problems in a damaged copy: a stale stats.json and rows past total_frames", async () => {
    const remote = await verifyDataset(`hf://datasets/${DAMAGED}`, { env });
    const local = await verifyDataset(damaged);
    expect(verdict(remote)).toEqual(verdict(local));
    expect(remote.valid).toBe(false);
    expect(Object.keys(remote.countsByCheck)).toEqual(expect.arrayContaining(["stats.episode_mismatch", "data.unreferenced_rows"]));
    const rows = remote.findings.find((f) => f.check === "data.unreferenced_rows")!;
    expect(rows.file).toBe(DATA_FILE);
  }, 120_000);

  it("reads the v3.0 tag LeRobot reads rather than main, unless --revision says otherwise", async () => {
    const repo = "lerobot-ts/tagged";
    await hub.seedDataset(repo, root, { tags: ["v3.0"] });
    await hub.seedDataset(repo, damaged); // a later commit on main, untagged
    const tagged = await verifyDataset(`hf://datasets/${repo}`, { env });
    expect(tagged.valid).toBe(true);
    expect(tagged.remote).toMatchObject({ revision: "v3.0", commit: (await hub.refs(repo)).tags["v3.0"] });
    const main = await verifyDataset(repo, { env, remote: true, revision: "main" });
    expect(main.valid).toBe(false);
    expect(main.remote).toMatchObject({ revision: "main", commit: (await hub.refs(repo)).branches.main });
    expect((await verifyDataset(`hf://datasets/${repo}@main`, { env })).remote!.revision).toBe("main");
  }, 120_000);
});

describe("inspect a Hub dataset in place", () => {
  it("describes it as a local inspect does, from metadata and moov boxes only", async () => {
    hub.resetCounters();
    const remote = await inspectDataset(`hf://datasets/${REPO}`, { env, episodes: true });
    const local = await inspectDataset(root, { episodes: true });
    expect(datasetReportSchema.parse(remote)).toEqual(remote);
    const { root: remoteRoot, remote: traffic, files: remoteFiles, ...remoteRest } = remote;
    const { root: _localRoot, files: localFiles, ...localRest } = local;
    expect(remoteRest).toEqual(localRest);
    expect(remoteRoot).toBe(`hf://datasets/${REPO}@v3.0`);
    // The repo has what the folder has, plus the .gitattributes every Hub repo starts with (hidden: not listed).
    expect(remoteFiles).toEqual(localFiles);
    expect(traffic!.bytesRead).toBe(hub.bytesServed());
    expect(traffic!.bytesRead / traffic!.datasetBytes).toBeLessThan(0.05);
  }, 120_000);
});

describe("the CLI on a Hub dataset", () => {
  it("verify hf://... prints the verdict and the bytes read; --json carries them", async () => {
    const text = await runCli(["verify", `hf://datasets/${REPO}`], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^verify hf:\/\/datasets\/lerobot-ts\/remote-300@v3\.0$/m);
    expect(text.stdout).toMatch(/^read [\d,]+ bytes of [\d,]+ \(\d\.\d\d%\) in \d+ requests, at commit [0-9a-f]{8}$/m);
    const json = await runCli(["verify", REPO, "--remote", "--json"], env);
    expect(json.code).toBe(0);
    const report = verifyReportSchema.parse(JSON.parse(json.stdout));
    expect(report.remote).toMatchObject({ repoId: REPO, revision: "v3.0" });
    const bad = await runCli(["verify", `hf://datasets/${DAMAGED}`], env);
    expect(bad.code).toBe(1);
  }, 120_000);

  it("inspect hf://... and --remote describe the dataset with the bytes read", async () => {
    const text = await runCli(["inspect", `hf://datasets/${REPO}`], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^read [\d,]+ bytes of [\d,]+ \(\d\.\d\d%\)/m);
    const json = await runCli(["inspect", REPO, "--remote", "--json"], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: "dataset", totalEpisodes: EPISODES, remote: { repoId: REPO } });
  }, 120_000);

  it("says in one line, exit 2, when the token is refused, the repo is unknown or the request cannot be served", async () => {
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [["verify", `hf://datasets/${REPO}`], { ...env, HF_TOKEN: "hf_wrong" }, /rejected the token from HF_TOKEN/],
      [["inspect", REPO, "--remote"], { ...env, HF_TOKEN: "hf_wrong" }, /rejected the token/],
      [["verify", "hf://datasets/lerobot-ts/nope"], env, /no dataset lerobot-ts\/nope on http:\/\/127\.0\.0\.1/],
      [["inspect", "hf://datasets/lerobot-ts/nope"], env, /no dataset lerobot-ts\/nope/],
      [["verify", `hf://datasets/${REPO}`, "--revision", "v9.9"], env, /no dataset .* at revision v9\.9/],
      [["verify", `hf://datasets/${REPO}`, "--deep"], env, /--deep decodes every video frame/],
      [["verify", "hf://datasets/not-a-repo"], env, /not a Hub repo id/],
      [["verify", `hf://datasets/${REPO}`], { ...env, HF_ENDPOINT: "http://127.0.0.1:9" }, /cannot reach http:\/\/127\.0\.0\.1:9/],
    ];
    for (const [args, runEnv, message] of cases) {
      const r = await runCli(args, runEnv);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stdout).toBe("");
    }
  }, 120_000);
});
