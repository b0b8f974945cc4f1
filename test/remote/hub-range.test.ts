/**
 * HubRangeReader: byte ranges of repo files by HTTP Range requests at a fixed commit, against the
 * test Hub (regular files served by the Hub, LFS files through its redirect to the "CDN"). The
 * bytes it counts are checked against what the server says it sent.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HubError } from "../../src/hub/errors.js";
import { HubRangeReader } from "../../src/remote/hub-range.js";
import { startHubServer } from "../helpers/hub-server.js";
import type { HubServer } from "../helpers/hub-server.js";
import { tempDir } from "../helpers/synthetic.js";

const REPO = "lerobot-ts/ranges";
let hub: HubServer;
let dir: string;
/** A regular (non-LFS) file and an LFS one (.parquet goes to LFS on the Hub). */
const TEXT = Buffer.from(JSON.stringify({ codebase_version: "v3.0", note: "x".repeat(3000) }));
const BINARY = randomBytes(200_000);
let commit: string;

beforeAll(async () => {
  dir = tempDir("lerobot-ts-hub-range-");
  fs.mkdirSync(path.join(dir, "meta"));
  fs.mkdirSync(path.join(dir, "data dir"));
  fs.writeFileSync(path.join(dir, "meta/info.json"), TEXT);
  fs.writeFileSync(path.join(dir, "data dir/file #1.parquet"), BINARY);
  hub = await startHubServer();
  await hub.seedDataset(REPO, dir, { tags: ["v3.0"] });
  await hub.seedDataset("lerobot-ts/private-ranges", dir, { private: true });
  commit = (await hub.refs(REPO)).branches.main!;
});
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const reader = (token: string = hub.token, repoId = REPO, at = commit) =>
  new HubRangeReader({ endpoint: hub.endpoint, token, repoId, commit: at });

describe("HubRangeReader.url", () => {
  it("is the resolve URL at the commit, each path segment percent-encoded", () => {
    expect(reader().url("data dir/file #1.parquet")).toBe(`${hub.endpoint}/datasets/${REPO}/resolve/${commit}/data%20dir/file%20%231.parquet`);
  });
});

describe("HubRangeReader.read", () => {
  it("reads exactly bytes [start, end) of a regular file with one Range request, counting the bytes received", async () => {
    hub.resetCounters();
    const r = reader();
    const bytes = await r.read("meta/info.json", 100, 1100);
    expect(Buffer.from(bytes).equals(TEXT.subarray(100, 1100))).toBe(true);
    expect(hub.requests.map((q) => [q.method, q.path, q.range, q.status])).toEqual([
      ["GET", `/datasets/${REPO}/resolve/${commit}/meta/info.json`, "bytes=100-1099", 206],
    ]);
    expect([r.requests, r.bytesRead]).toEqual([1, 1000]);
    expect(r.bytesRead).toBe(hub.bytesServed());
  });

  it("follows the redirect of an LFS file to its storage, keeping the Range header", async () => {
    hub.resetCounters();
    const r = reader();
    const bytes = await r.read("data dir/file #1.parquet", 150_000, 150_100);
    expect(Buffer.from(bytes).equals(BINARY.subarray(150_000, 150_100))).toBe(true);
    const lfs = hub.requests.filter((q) => q.path.startsWith("/lfs-objects/"));
    expect(lfs.map((q) => [q.range, q.status])).toEqual([["bytes=150000-150099", 206]]);
    expect(r.requests).toBe(1);
    expect(r.bytesRead).toBe(100);
    expect(hub.bytesServed()).toBe(100);
  });

  it("returns fewer bytes at the end of the file, none past it, and sends nothing for an empty range", async () => {
    const r = reader();
    expect(Buffer.from(await r.read("meta/info.json", TEXT.length - 10, TEXT.length + 50)).equals(TEXT.subarray(TEXT.length - 10))).toBe(true);
    expect(await r.read("meta/info.json", TEXT.length + 5, TEXT.length + 10)).toHaveLength(0);
    hub.resetCounters();
    expect(await r.read("meta/info.json", 10, 10)).toHaveLength(0);
    expect(hub.requests).toEqual([]);
    expect(r.requests).toBe(2);
  });

  it("sends the token, which a private repo needs", async () => {
    const at = (await hub.refs("lerobot-ts/private-ranges")).branches.main!;
    const bytes = await reader(hub.token, "lerobot-ts/private-ranges", at).read("meta/info.json", 0, 16);
    expect(Buffer.from(bytes).equals(TEXT.subarray(0, 16))).toBe(true);
    const anonymous = new HubRangeReader({ endpoint: hub.endpoint, token: undefined, repoId: "lerobot-ts/private-ranges", commit: at });
    await expect(anonymous.read("meta/info.json", 0, 16)).rejects.toThrow("the Hub answered 404 for meta/info.json");
  });

  it("throws a HubError naming the file for an HTTP error", async () => {
    const missing = reader().read("meta/none.json", 0, 10);
    await expect(missing).rejects.toThrow(HubError);
    await expect(missing).rejects.toThrow("the Hub answered 404 for meta/none.json");
    await expect(reader("hf_wrong").read("meta/info.json", 0, 10)).rejects.toThrow("the Hub answered 401 for meta/info.json");
  });

  it("throws a HubError with the network reason when the Hub cannot be reached", async () => {
    const gone = await startHubServer();
    const endpoint = gone.endpoint;
    await gone.close();
    const r = new HubRangeReader({ endpoint, token: undefined, repoId: REPO, commit });
    await expect(r.read("meta/info.json", 0, 10)).rejects.toThrow(new HubError(`cannot reach ${endpoint}: ECONNREFUSED`));
  });

  it("keeps only the bytes asked for from a server that ignores Range and sends the whole file", async () => {
    // Not the Hub: a plain server answering 200 with the whole body whatever the Range header says.
    const whole = Buffer.concat(Array.from({ length: 20 }, () => BINARY)); // 4 MB: many more bytes than one body chunk
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Length": String(whole.length) });
      res.end(whole);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = new HubRangeReader({ endpoint, token: undefined, repoId: REPO, commit });
      const bytes = await r.read("any.bin", 5000, 5200);
      expect(Buffer.from(bytes).equals(BINARY.subarray(5000, 5200))).toBe(true);
      // It stops reading once it has the bytes: far less than the whole body is counted.
      expect(r.bytesRead).toBeGreaterThanOrEqual(5200);
      expect(r.bytesRead).toBeLessThan(whole.length);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
