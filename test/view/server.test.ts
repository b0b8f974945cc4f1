/**
 * The viewer's HTTP server: the page and its data, Range requests answered with 206 and the right
 * bytes (so videos seek), nothing served from outside the dataset folder, unknown episodes 404.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticDataset } from "../../src/dataset/synthetic.js";
import type { ViewServer } from "../../src/view/server.js";
import { startViewServer } from "../../src/view/server.js";
import { tempDir } from "../helpers/synthetic.js";

const dir = tempDir("lerobot-ts-view-");
const root = path.join(dir, "me", "demo");
let server: ViewServer;
let base: string;

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/** A raw GET: the path goes out exactly as written (no URL normalisation, unlike fetch). */
function get(rawPath: string, headers: http.OutgoingHttpHeaders = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = http.request({ host: url.hostname, port: url.port, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  await writeSyntheticDataset({ root, episodes: 3, frames: 20, cameras: ["front"], width: 64, height: 48 });
  server = await startViewServer(root);
  base = server.url;
}, 60_000);
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("view server", () => {
  it("binds 127.0.0.1 and uses the HF visualizer's URL scheme", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/me\/demo\/episode_0$/);
    const home = await get("/");
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe("/me/demo/episode_0");
    const page = await get("/me/demo/episode_2?t=0.5");
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<script src="/viewer.js"></script>');
    expect((await get("/viewer.js")).status).toBe(200);
  });

  it("answers 404 for episodes that do not exist", async () => {
    expect((await get("/me/demo/episode_3")).status).toBe(404);
    expect((await get("/api/episode_3.json")).status).toBe(404);
    expect((await get("/nothing/here")).status).toBe(404);
  });

  it("gives each episode's video window and joint series", async () => {
    const data = JSON.parse((await get("/api/episode_1.json")).body.toString()) as { length: number; videos: { key: string; url: string; fromTimestampS: number; toTimestampS: number }[]; plots: Record<string, { names: string[]; values: number[][] }> };
    const episode = server.dataset.episode(1);
    expect(data.length).toBe(20);
    expect(data.videos).toHaveLength(1);
    expect(data.videos[0]!.fromTimestampS).toBe(episode.cameras["observation.images.front"]!.fromTimestampS);
    expect(data.plots.action!.values[0]).toHaveLength(20);
    expect(data.plots["observation.state"]!.names).toContain("gripper.pos");
    const video = await get(data.videos[0]!.url);
    expect(video.status).toBe(200);
    expect(video.headers["content-type"]).toBe("video/mp4");
    const summary = JSON.parse((await get("/api/dataset.json")).body.toString()) as { episodes: unknown[] };
    expect(summary.episodes).toHaveLength(3);
    const verify = JSON.parse((await get("/api/verify.json")).body.toString()) as { valid: boolean };
    expect(verify.valid).toBe(true);
  });

  it("answers Range requests with 206 and exactly those bytes", async () => {
    const rel = "videos/observation.images.front/chunk-000/file-000.mp4";
    const bytes = fs.readFileSync(path.join(root, rel));
    const part = await get(`/files/${rel}`, { Range: "bytes=100-199" });
    expect(part.status).toBe(206);
    expect(part.headers["content-range"]).toBe(`bytes 100-199/${bytes.length}`);
    expect(part.body.equals(bytes.subarray(100, 200))).toBe(true);
    const tail = await get(`/files/${rel}`, { Range: "bytes=-50" });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(bytes.subarray(bytes.length - 50))).toBe(true);
    const open = await get(`/files/${rel}`, { Range: `bytes=${bytes.length - 10}-` });
    expect(open.body.equals(bytes.subarray(bytes.length - 10))).toBe(true);
    expect((await get(`/files/${rel}`, { Range: `bytes=${bytes.length}-` })).status).toBe(416);
  });

  it("serves nothing outside the dataset folder", async () => {
    fs.writeFileSync(path.join(dir, "secret.txt"), "secret");
    fs.symlinkSync(path.join(dir, "secret.txt"), path.join(root, "link.txt"));
    for (const attempt of ["/files/../../secret.txt", "/files/..%2f..%2fsecret.txt", "/files/%2e%2e/%2e%2e/secret.txt", "/files/link.txt", "/files//etc/passwd", "/files/meta/../../../secret.txt"]) {
      const reply = await get(attempt);
      expect([403, 404], attempt).toContain(reply.status);
      expect(reply.body.toString()).not.toContain("secret");
    }
    expect((await get("/files/meta/info.json")).status).toBe(200);
  });
});

const bin = path.join(import.meta.dirname, "..", "..", "bin", "lerobot-ts.js");
const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("view CLI test: skipped, dist/ is missing (npm test builds it)");

describe.skipIf(!built)("lerobot-ts view", () => {
  it("prints its URL, serves until Ctrl-C (exit 0), and exits 2 for no dataset or a bad episode", async () => {
    const child = spawn(process.execPath, [bin, "view", root, "--no-open", "--episode=1"]);
    let stdout = "";
    const url = await new Promise<string>((resolve) => child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/me\/demo\/episode_1) /.exec(stdout);
      if (m) resolve(m[1]!);
    }));
    expect((await fetch(url)).status).toBe(200);
    child.kill("SIGINT");
    expect(await new Promise((resolve) => child.on("close", resolve))).toBe(0);
    const none = spawnSync(process.execPath, [bin, "view", path.join(dir, "nothing"), "--no-open"], { encoding: "utf8" });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^lerobot-ts: error: no LeRobot dataset at .*nothing/);
    const bad = spawnSync(process.execPath, [bin, "view", root, "--no-open", "--episode=9"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("lerobot-ts: error: --episode 9 does not exist (the dataset has 3 episodes)\n");
  }, 30_000);
});
