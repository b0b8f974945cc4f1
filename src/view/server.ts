/**
 * The local dataset viewer's HTTP server: the page and its script, JSON for the dataset and each
 * episode, and the dataset's own files with Range support (so videos seek). It binds 127.0.0.1 by
 * default and serves nothing outside the dataset folder: every file path is resolved and checked
 * to stay inside it, and symlinks out of it are refused.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { LeRobotDataset } from "../dataset/index.js";
import { openDataset, videoInfoOf } from "../dataset/index.js";
import { verifyDataset } from "../verify/index.js";
import { pageHtml, VIEWER_SCRIPT } from "./page.js";

/** Options of startViewServer. */
export interface ViewServerOptions {
  /** Parent folder of a repo id (as verify's --root). */
  root?: string;
  /** Address to bind (default 127.0.0.1: this machine only). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Shown in URLs (`/<repo_id>/episode_<N>`); default: the dataset folder's last two names. */
  repoId?: string;
}

/** A running viewer. */
export interface ViewServer {
  /** The first episode's page. */
  url: string;
  /** The repo id shown in URLs. */
  repoId: string;
  /** The dataset served. */
  dataset: LeRobotDataset;
  /** Stop listening and close open connections. */
  close(): Promise<void>;
}

const MIME: Record<string, string> = { ".mp4": "video/mp4", ".json": "application/json", ".parquet": "application/octet-stream", ".png": "image/png" };

/**
 * Serve a local dataset to a browser (the `lerobot-ts view` page: episodes, synced videos, joint
 * plots, verify findings) over HTTP, with URLs like the Hugging Face visualizer's. Serves nothing
 * outside the dataset folder; opens no browser. The server runs until close().
 * @throws DatasetError when the dataset cannot be opened (a local folder or cached repo id; no download).
 * @throws Error from listen (a port in use: EADDRINUSE).
 */
export async function startViewServer(datasetPath: string, options: ViewServerOptions = {}): Promise<ViewServer> {
  const dataset = await openDataset(datasetPath, options.root === undefined ? {} : { root: options.root });
  const root = fs.realpathSync(dataset.root);
  const repoId = options.repoId ?? root.split(path.sep).slice(-2).join("/");
  const episodeJson = new Map<number, string>();
  let verifyJson: Promise<string> | undefined;

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, "text/plain", `error: ${(error as Error).message}`);
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "only GET");
    const url = new URL(req.url ?? "/", "http://localhost");
    const pathname = decodeURIComponent(url.pathname);
    if (pathname === "/") return redirect(res, `/${repoId}/episode_0`);
    if (pathname === "/viewer.js") return send(res, 200, "text/javascript; charset=utf-8", VIEWER_SCRIPT);
    if (pathname === "/api/dataset.json") return send(res, 200, "application/json", JSON.stringify(datasetSummary(dataset, repoId)));
    if (pathname === "/api/verify.json") {
      // verify's findings for the panel, computed once (no --deep: it stays quick).
      verifyJson ??= verifyDataset(root).then((report) => JSON.stringify(report));
      return send(res, 200, "application/json", await verifyJson);
    }
    const episodeApi = /^\/api\/episode_(\d+)\.json$/.exec(pathname);
    if (episodeApi) {
      const n = Number(episodeApi[1]);
      if (!dataset.episodes[n]) return send(res, 404, "text/plain", `episode ${n} does not exist`);
      if (!episodeJson.has(n)) episodeJson.set(n, JSON.stringify(await episodeData(dataset, n)));
      return send(res, 200, "application/json", episodeJson.get(n)!);
    }
    const page = new RegExp(`^/${escapeRegExp(repoId)}/episode_(\\d+)$`).exec(pathname);
    if (page) {
      const n = Number(page[1]);
      if (!dataset.episodes[n]) return send(res, 404, "text/html; charset=utf-8", `<!doctype html><title>not found</title><p>episode ${n} does not exist (the dataset has ${dataset.numEpisodes})</p>`);
      return send(res, 200, "text/html; charset=utf-8", pageHtml(repoId));
    }
    if (pathname.startsWith("/files/")) return serveFile(req, res, root, pathname.slice("/files/".length));
    return send(res, 404, "text/plain", "not found");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as { port: number };
  const host = options.host ?? "127.0.0.1";
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}/${repoId}/episode_0`,
    repoId,
    dataset,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A file of the dataset, whole or the byte range asked for (206), never one outside the folder. */
async function serveFile(req: http.IncomingMessage, res: http.ServerResponse, root: string, relative: string): Promise<void> {
  const candidate = path.resolve(root, relative);
  let real: string;
  try {
    real = fs.realpathSync(candidate);
  } catch {
    return send(res, 404, "text/plain", "not found");
  }
  const inside = path.relative(root, real);
  if (inside === "" || inside.startsWith("..") || path.isAbsolute(inside)) return send(res, 403, "text/plain", "outside the dataset");
  const stat = fs.statSync(real);
  if (!stat.isFile()) return send(res, 404, "text/plain", "not a file");
  const type = MIME[path.extname(real)] ?? "application/octet-stream";
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
  if (req.headers.range && !range) return send(res, 416, "text/plain", "bad range", { "Content-Range": `bytes */${stat.size}` });
  let start = 0;
  let end = stat.size - 1;
  if (range) {
    if (range[1] === "") {
      start = Math.max(0, stat.size - Number(range[2]));
    } else {
      start = Number(range[1]);
      if (range[2] !== "") end = Math.min(end, Number(range[2]));
    }
    if (start > end || start >= stat.size) return send(res, 416, "text/plain", "range not satisfiable", { "Content-Range": `bytes */${stat.size}` });
  }
  const headers: http.OutgoingHttpHeaders = { "Content-Type": type, "Accept-Ranges": "bytes", "Content-Length": end - start + 1 };
  if (range) headers["Content-Range"] = `bytes ${start}-${end}/${stat.size}`;
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === "HEAD") return void res.end();
  fs.createReadStream(real, { start, end }).pipe(res);
}

function send(res: http.ServerResponse, status: number, type: string, body: string, extra: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store", ...extra });
  res.end(body);
}

function redirect(res: http.ServerResponse, location: string): void {
  res.writeHead(302, { Location: location });
  res.end();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function datasetSummary(dataset: LeRobotDataset, repoId: string) {
  return {
    repoId,
    fps: dataset.fps,
    robotType: dataset.robotType,
    cameras: dataset.cameraKeys.map((key) => ({ key, codec: videoInfoOf(dataset.features[key]).codec ?? null })),
    episodes: dataset.episodes.map((e) => ({ index: e.episodeIndex, length: e.length, durationS: e.length / dataset.fps, tasks: e.tasks })),
    stats: dataset.stats ?? null,
  };
}

/** What the page needs for one episode: videos (URL and time window) and the joint series. */
async function episodeData(dataset: LeRobotDataset, n: number) {
  const episode = dataset.episode(n);
  const plots: Record<string, { names: string[]; values: number[][] }> = {};
  for (const key of ["observation.state", "action"]) {
    const feature = dataset.features[key];
    if (!feature) continue;
    const { values, dim } = await dataset.readColumn(key, { episodes: [n] });
    const names = Array.isArray(feature.names) ? (feature.names as string[]) : Array.from({ length: dim }, (_, j) => `${j}`);
    plots[key] = { names, values: names.map((_, j) => Array.from({ length: episode.length }, (_, r) => Number(values[r * dim + j]))) };
  }
  const videos = Object.entries(episode.cameras).map(([key, cam]) => ({
    key,
    url: `/files/${path.relative(dataset.root, cam.path).split(path.sep).map(encodeURIComponent).join("/")}`,
    fromTimestampS: cam.fromTimestampS,
    toTimestampS: cam.toTimestampS,
    codec: videoInfoOf(dataset.features[key]).codec ?? null,
  }));
  return { index: n, length: episode.length, fps: dataset.fps, tasks: episode.tasks, videos, plots };
}
