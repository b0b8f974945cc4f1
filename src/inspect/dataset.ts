/**
 * inspectDataset: what a LeRobot v3.0 dataset holds: its info.json facts, tasks, features,
 * cameras (as declared, and as the mp4 boxes say), files and sizes, and optionally a table of
 * episodes. It describes; judging is verify's job, so a missing mp4 is reported, not thrown.
 * A Hub dataset is described in place: its metadata files and each mp4's boxes, nothing more.
 */
import path from "node:path";
import type { DatasetFiles, Feature, LeRobotDataset } from "../dataset/index.js";
import { videoInfoOf, videoKeys, openDataset, probeMp4 } from "../dataset/index.js";
import type { DatasetPlaceOptions } from "../remote/index.js";
import { openDatasetFiles } from "../remote/index.js";
import { loadDataset } from "./load-dataset.js";
import type { CameraReport, DatasetReport, FileGroup } from "./report.js";
import { INSPECT_SCHEMA_ID } from "./report.js";

/** Options of inspectDataset: where the dataset is read, and what to include. */
export interface InspectDatasetOptions extends DatasetPlaceOptions {
  /** Include the per-episode table (default false). */
  episodes?: boolean;
}

/**
 * Describe a dataset folder or repo id (resolved as LeRobot does), or a Hub dataset in place:
 * `hf://datasets/<repo_id>[@<revision>]`, or a repo id with `remote: true` (range requests, nothing
 * written). Resolves with the report; reads files only.
 * @throws DatasetError when there is no readable v3.0 dataset there.
 * @throws HubError when a Hub dataset cannot be reached or read.
 */
export async function inspectDataset(rootOrRepoId: string, options: InspectDatasetOptions = {}): Promise<DatasetReport> {
  const files = await openDatasetFiles(rootOrRepoId, options);
  const dataset = files.traffic() ? await loadDataset(files) : await openDataset(files.root);
  const { info, root } = dataset;
  const rel = (file: string) => path.relative(root, file).split(path.sep).join("/");
  const cameras = await describeCameras(dataset, files, rel);
  const fileGroups = describeFiles(dataset, files, rel);
  const remote = files.traffic();
  return {
    schema: INSPECT_SCHEMA_ID,
    kind: "dataset",
    root: files.location,
    codebaseVersion: info.codebase_version,
    robotType: info.robot_type,
    fps: info.fps,
    totalEpisodes: info.total_episodes,
    totalFrames: info.total_frames,
    durationS: info.total_frames / info.fps,
    tasks: dataset.tasks.map((task, index) => ({ index, task })),
    features: Object.entries(info.features).map(([key, f]) => ({ key, dtype: f.dtype, shape: f.shape, names: namesOf(f) })),
    cameras,
    files: fileGroups,
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
    ...(remote ? { remote } : {}),
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

async function describeCameras(dataset: LeRobotDataset, files: DatasetFiles, rel: (file: string) => string): Promise<CameraReport[]> {
  const cameras: CameraReport[] = [];
  for (const key of videoKeys(dataset.features)) {
    const feature = dataset.features[key]!;
    const videoFiles = [...new Set(dataset.episodes.flatMap((e) => (e.cameras[key] ? [e.cameras[key].path] : [])))];
    cameras.push({
      key,
      storage: "video",
      codec: videoInfoOf(feature).codec ?? null,
      ...frameSize(feature),
      pixFmt: videoInfoOf(feature).pixFmt ?? null,
      fps: videoInfoOf(feature).fps ?? null,
      files: await Promise.all(videoFiles.map(async (file) => {
        const bytes = files.size(file) ?? null;
        if (bytes === null) return { path: rel(file), exists: false, bytes, probe: null, error: null };
        try {
          const p = await probeMp4(files.source(file));
          return {
            path: rel(file), exists: true, bytes, error: null,
            probe: { codec: p.codec, width: p.width, height: p.height, fps: p.fps, frameCount: p.frameCount, durationS: p.durationS },
          };
        } catch (error) {
          // Named relative to the dataset, so a folder and its Hub copy read the same.
          const message = (error instanceof Error ? error.message : String(error)).replaceAll(file, rel(file));
          return { path: rel(file), exists: true, bytes, probe: null, error: message };
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

/** Every file under the root (hidden ones aside) by top folder, plus referenced files that are missing. */
function describeFiles(dataset: LeRobotDataset, files: DatasetFiles, rel: (file: string) => string): DatasetReport["files"] {
  const found = new Map<string, number | null>();
  for (const file of listFiles(files, dataset.root)) found.set(rel(file), files.size(file) ?? null);
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

function listFiles(files: DatasetFiles, dir: string): string[] {
  const out: string[] = [];
  for (const entry of files.list(dir)) {
    // Hidden entries are tool state (.lerobot-ts lock, .cache of a hub download), not the dataset.
    if (entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.directory) out.push(...listFiles(files, full));
    else if (entry.file) out.push(full);
  }
  return out;
}
