/**
 * inspectDataset: what a LeRobot v3.0 dataset holds: its info.json facts, tasks, features,
 * cameras (as declared, and as the mp4 boxes say), files and sizes, and optionally a table of
 * episodes. It describes; judging is verify's job, so a missing mp4 is reported, not thrown.
 */
import fs from "node:fs";
import path from "node:path";
import type { Feature } from "../dataset/info.js";
import { videoInfoOf, videoKeys } from "../dataset/info.js";
import type { LeRobotDataset } from "../dataset/reader.js";
import { openDataset } from "../dataset/reader.js";
import { probeMp4 } from "../dataset/video/probe.js";
import type { CameraReport, DatasetReport, FileGroup } from "./report.js";
import { INSPECT_SCHEMA_ID } from "./report.js";

export interface InspectDatasetOptions {
  /** Parent folder of a repo id (LeRobot's `--root`). */
  root?: string;
  /** Include the per-episode table (default false). */
  episodes?: boolean;
}

export async function inspectDataset(rootOrRepoId: string, options: InspectDatasetOptions = {}): Promise<DatasetReport> {
  const dataset = await openDataset(rootOrRepoId, options.root === undefined ? {} : { root: options.root });
  const { info, root } = dataset;
  const rel = (file: string) => path.relative(root, file).split(path.sep).join("/");
  return {
    schema: INSPECT_SCHEMA_ID,
    kind: "dataset",
    root,
    codebaseVersion: info.codebase_version,
    robotType: info.robot_type,
    fps: info.fps,
    totalEpisodes: info.total_episodes,
    totalFrames: info.total_frames,
    durationS: info.total_frames / info.fps,
    tasks: dataset.tasks.map((task, index) => ({ index, task })),
    features: Object.entries(info.features).map(([key, f]) => ({ key, dtype: f.dtype, shape: f.shape, names: namesOf(f) })),
    cameras: await describeCameras(dataset, rel),
    files: await describeFiles(dataset, rel),
    episodes: options.episodes
      ? dataset.episodes.map((e) => ({
          episodeIndex: e.episodeIndex,
          length: e.length,
          durationS: e.length / info.fps,
          tasks: e.tasks,
          dataFile: rel(e.dataFile),
          cameras: Object.fromEntries(
            Object.entries(e.cameras).map(([key, c]) => [key, { file: rel(c.path), fromTimestampS: c.fromTimestampS, toTimestampS: c.toTimestampS }]),
          ),
        }))
      : null,
  };
}

/** A feature's names as a flat list (older datasets nest them in a dict such as {motors: [...]}). */
function namesOf(feature: Feature): string[] | null {
  const names = feature.names;
  if (Array.isArray(names)) return names;
  if (names && typeof names === "object") {
    const list = Object.values(names).find((v): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string"));
    return list ?? null;
  }
  return null;
}

/** Height and width of an image-like feature: from video info, else the shape laid out by its names. */
function frameSize(feature: Feature): { width: number | null; height: number | null } {
  const video = videoInfoOf(feature);
  if (video.width !== undefined && video.height !== undefined) return { width: video.width, height: video.height };
  const names = Array.isArray(feature.names) ? feature.names : ["height", "width", "channels"];
  const at = (name: string) => {
    const i = names.indexOf(name);
    return i >= 0 ? (feature.shape[i] ?? null) : null;
  };
  return { width: at("width"), height: at("height") };
}

async function describeCameras(dataset: LeRobotDataset, rel: (file: string) => string): Promise<CameraReport[]> {
  const cameras: CameraReport[] = [];
  for (const key of videoKeys(dataset.features)) {
    const feature = dataset.features[key]!;
    const files = [...new Set(dataset.episodes.flatMap((e) => (e.cameras[key] ? [e.cameras[key].path] : [])))];
    cameras.push({
      key,
      storage: "video",
      codec: videoInfoOf(feature).codec ?? null,
      ...frameSize(feature),
      pixFmt: videoInfoOf(feature).pixFmt ?? null,
      fps: videoInfoOf(feature).fps ?? null,
      files: await Promise.all(files.map(async (file) => {
        const bytes = fileSize(file);
        if (bytes === null) return { path: rel(file), exists: false, bytes, probe: null, error: null };
        try {
          const p = await probeMp4(file);
          return {
            path: rel(file), exists: true, bytes, error: null,
            probe: { codec: p.codec, width: p.width, height: p.height, fps: p.fps, frameCount: p.frameCount, durationS: p.durationS },
          };
        } catch (error) {
          return { path: rel(file), exists: true, bytes, probe: null, error: error instanceof Error ? error.message : String(error) };
        }
      })),
    });
  }
  for (const key of dataset.imageKeys) {
    const feature = dataset.features[key]!;
    cameras.push({ key, storage: "image", codec: "png", ...frameSize(feature), pixFmt: null, fps: null, files: [] });
  }
  return cameras;
}

function fileSize(file: string): number | null {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? stat.size : null;
  } catch {
    return null;
  }
}

/** Every file under the root (hidden ones aside) by top folder, plus referenced files that are missing. */
async function describeFiles(dataset: LeRobotDataset, rel: (file: string) => string): Promise<DatasetReport["files"]> {
  const found = new Map<string, number | null>();
  for (const file of await listFiles(dataset.root)) found.set(rel(file), fileSize(file));
  for (const e of dataset.episodes) {
    for (const file of [e.dataFile, ...Object.values(e.cameras).map((c) => c.path)]) {
      if (!found.has(rel(file))) found.set(rel(file), null);
    }
  }
  const groups = { data: emptyGroup(), videos: emptyGroup(), meta: emptyGroup(), other: emptyGroup() };
  for (const [file, bytes] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
    const top = file.split("/")[0]!;
    const group = top === "data" || top === "videos" || top === "meta" ? groups[top] : groups.other;
    group.files.push({ path: file, exists: bytes !== null, bytes });
    if (bytes === null) {
      group.missing++;
    } else {
      group.count++;
      group.bytes += bytes;
    }
  }
  return { ...groups, totalBytes: groups.data.bytes + groups.videos.bytes + groups.meta.bytes + groups.other.bytes };
}

function emptyGroup(): FileGroup {
  return { files: [], count: 0, bytes: 0, missing: 0 };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.promises.readdir(dir, { withFileTypes: true })) {
    // Hidden entries are tool state (.lerobot-ts lock, .cache of a hub download), not the dataset.
    if (entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}
