/**
 * HubDatasetFiles: a dataset repo on the test Hub as DatasetFiles, read in place. Listing comes
 * from one tree listing; file bytes from range reads, counted against what the server sent.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readParquet, readParquetMetadata } from "../../src/dataset/parquet.js";
import { HubError } from "../../src/hub/errors.js";
import { HubDatasetFiles, openHubDatasetFiles } from "../../src/remote/hub-dataset-files.js";
import { testHubEnv, writeSmallDataset } from "../helpers/hub-dataset.js";
import { startHubServer } from "../helpers/hub-server.js";
import type { HubServer } from "../helpers/hub-server.js";
import { tempDir } from "../helpers/synthetic.js";

const REPO = "lerobot-ts/in-place";
const LENGTHS = [3, 4, 5, 6, 3, 4, 5, 6, 3, 4];
let hub: HubServer;
let dir: string;
let source: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = tempDir("lerobot-ts-hub-files-");
  source = path.join(dir, "source");
  await writeSmallDataset(source, LENGTHS);
  hub = await startHubServer();
  await hub.seedDataset(REPO, source, { tags: ["v3.0"] });
  await hub.seedDataset("lerobot-ts/untagged", source);
  await hub.seedDataset("lerobot-ts/secret", source, { tags: ["v3.0"], private: true });
  env = testHubEnv(hub, dir);
}, 60_000);
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** File reads the server answered (resolve, and the LFS storage a resolve redirected to). */
const fileRequests = () => hub.requests.filter((r) => r.path.includes("/resolve/")).length;

describe("openHubDatasetFiles", () => {
  it("lists the repo once at the commit of the v3.0 tag, reading no file", async () => {
    hub.resetCounters();
    const files = await openHubDatasetFiles(REPO, { env });
    expect(files).toBeInstanceOf(HubDatasetFiles);
    expect(files).toMatchObject({ repoId: REPO, revision: "v3.0", commit: (await hub.refs(REPO)).tags["v3.0"] });
    expect(files.location).toBe(`hf://datasets/${REPO}@v3.0`);
    expect(files.root).toBe(path.resolve("/hf/datasets/lerobot-ts/in-place"));
    expect(fs.existsSync(files.root)).toBe(false);
    expect(fileRequests()).toBe(0);
    expect(hub.bytesServed()).toBe(0);
  });

  it("reads the revision asked for, and main with a note when there is no version tag", async () => {
    expect((await openHubDatasetFiles(REPO, { env, revision: "main" })).location).toBe(`hf://datasets/${REPO}@main`);
    const notes: string[] = [];
    const untagged = await openHubDatasetFiles("lerobot-ts/untagged", { env, onNote: (n) => notes.push(n) });
    expect(untagged.revision).toBe("main");
    expect(notes).toEqual([expect.stringMatching(/has no v3\.0 tag/)]);
  });

  it("refuses HF_HUB_OFFLINE and a bad repo id before any request", async () => {
    hub.resetCounters();
    await expect(openHubDatasetFiles(REPO, { env: { ...env, HF_HUB_OFFLINE: "1" } })).rejects.toThrow(`HF_HUB_OFFLINE is set, so ${REPO} cannot be read from the Hub`);
    await expect(openHubDatasetFiles("no-namespace", { env })).rejects.toThrow(/is not a Hub repo id/);
    expect(hub.requests).toEqual([]);
  });

  it("says in one line what went wrong: a refused token, no such repo or revision, a private repo without a token, no Hub", async () => {
    const message = async (repoId: string, runEnv: NodeJS.ProcessEnv, revision?: string) => {
      const error = await openHubDatasetFiles(repoId, { env: runEnv, ...(revision ? { revision } : {}) }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(HubError);
      expect((error as Error).message).not.toContain("\n");
      return (error as Error).message;
    };
    expect(await message(REPO, { ...env, HF_TOKEN: "hf_wrong" })).toMatch(new RegExp(`^the Hub at ${hub.endpoint} rejected the token from HF_TOKEN: log in with`));
    expect(await message("lerobot-ts/none", env)).toBe(`no dataset lerobot-ts/none on ${hub.endpoint}`);
    expect(await message(REPO, env, "v9.9")).toBe(`no dataset ${REPO} at revision v9.9 on ${hub.endpoint}`);
    expect(await message("lerobot-ts/secret", { ...env, HF_TOKEN: "" })).toMatch(/^no dataset lerobot-ts\/secret on \S+ \(a private dataset needs a token: log in with/);
    const gone = await startHubServer();
    await gone.close();
    expect(await message(REPO, { ...env, HF_ENDPOINT: gone.endpoint })).toBe(`cannot read ${REPO} from the Hub: cannot reach ${gone.endpoint}: ECONNREFUSED`);
    expect((await openHubDatasetFiles("lerobot-ts/secret", { env })).revision).toBe("v3.0");
  });
});

describe("HubDatasetFiles listing", () => {
  it("knows files, folders and sizes under its root, and nothing outside it", async () => {
    const files = await openHubDatasetFiles(REPO, { env });
    const at = (rel: string) => path.join(files.root, rel);
    expect(files.kind(at("meta/info.json"))).toBe("file");
    expect(files.kind(at("meta/episodes/chunk-000"))).toBe("directory");
    expect(files.kind(files.root)).toBe("directory");
    expect(files.kind(at("meta/nope.json"))).toBe("missing");
    expect(files.kind(at("../in-place-other/meta/info.json"))).toBe("missing");
    expect(files.size(at("data/chunk-000/file-003.parquet"))).toBe(fs.statSync(path.join(source, "data/chunk-000/file-003.parquet")).size);
    expect(files.size(at("meta"))).toBeUndefined();
    expect(files.size("/etc/hostname")).toBeUndefined();
  });

  it("lists a folder's entries, telling folders from files, and refuses a path that is not a folder", async () => {
    const files = await openHubDatasetFiles(REPO, { env });
    const sorted = (dir: string) => files.list(path.join(files.root, dir)).sort((a, b) => a.name.localeCompare(b.name));
    expect(sorted("")).toEqual([
      { name: ".gitattributes", directory: false, file: true },
      { name: "data", directory: true, file: false },
      { name: "meta", directory: true, file: false },
    ]);
    expect(sorted("meta").map((e) => [e.name, e.directory])).toEqual(
      fs.readdirSync(path.join(source, "meta"), { withFileTypes: true }).map((e) => [e.name, e.isDirectory()]).sort(),
    );
    expect(() => files.list(path.join(files.root, "meta/info.json"))).toThrow(`is not a folder of hf://datasets/${REPO}@v3.0`);
  });
});

describe("HubDatasetFiles reads", () => {
  it("readText gives the file's text; traffic counts the bytes and requests the server saw", async () => {
    const files = await openHubDatasetFiles(REPO, { env });
    hub.resetCounters();
    expect(await files.readText(path.join(files.root, "meta/info.json"))).toBe(fs.readFileSync(path.join(source, "meta/info.json"), "utf8"));
    const traffic = files.traffic();
    const sizes = await Promise.all((await hub.listFiles(REPO, "v3.0")).map(async (f) => (await hub.readFile(REPO, f, "v3.0"))!.length));
    expect(traffic).toMatchObject({ repoId: REPO, revision: "v3.0", commit: files.commit, requests: 1, datasetBytes: sizes.reduce((a, b) => a + b, 0) });
    expect(traffic.bytesRead).toBe(hub.bytesServed());
    expect(traffic.bytesRead).toBe(fs.statSync(path.join(source, "meta/info.json")).size);
    expect(fileRequests()).toBe(1);
  });

  it("source() reads a parquet file as the local file reads, and a second read of its footer costs no request", async () => {
    const files = await openHubDatasetFiles(REPO, { env });
    const file = path.join(files.root, "data/chunk-000/file-002.parquet");
    const remote = files.source(file);
    const local = path.join(source, "data/chunk-000/file-002.parquet");
    expect((await readParquetMetadata(remote)).numRows).toBe(LENGTHS[2]);
    const before = files.traffic().requests;
    expect((await readParquetMetadata(files.source(file))).numRows).toBe(LENGTHS[2]);
    expect(files.traffic().requests).toBe(before);
    const [a, b] = [await readParquet(remote), await readParquet(local)];
    for (const column of ["index", "observation.state", "timestamp"]) {
      const cells = (t: typeof a) => Array.from({ length: t.numRows }, (_, i) => String(t.getChild(column)!.get(i)));
      expect(cells(a), column).toEqual(cells(b));
    }
    expect(Buffer.from(await remote.read(0, fs.statSync(local).size)).equals(fs.readFileSync(local))).toBe(true);
    expect(() => files.source(path.join(files.root, "meta/none.parquet"))).toThrow(`is not a file of hf://datasets/${REPO}@v3.0`);
  });

  it("keeps the cached reads of the 8 files used last: a ninth file makes the first be fetched again", async () => {
    const files = await openHubDatasetFiles(REPO, { env });
    const data = (i: number) => path.join(files.root, `data/chunk-000/file-${String(i).padStart(3, "0")}.parquet`);
    const first = files.source(data(0));
    await first.read(0, 4);
    for (let i = 1; i < 8; i++) files.source(data(i));
    expect(files.source(data(0))).toBe(first); // the eighth most recently used: still kept
    const before = files.traffic().requests;
    for (let i = 1; i <= 8; i++) files.source(data(i));
    const reopened = files.source(data(0));
    expect(reopened).not.toBe(first);
    await reopened.read(0, 4);
    expect(files.traffic().requests).toBe(before + 1);
  });
});
