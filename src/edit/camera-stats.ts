/**
 * Camera stats of one episode computed from its frames, for sources that carry none (v2.0
 * datasets: LeRobot's convert_dataset_v20_to_v21.py computes them in v21/convert_stats.py
 * convert_episode_stats). Frames are sampled as LeRobot samples them (compute_stats.py
 * sample_indices), so `count` is the number of frames sampled.
 */
import { DatasetError } from "../errors.js";
import { decodePng, ImageStatsAccumulator, decodeFrames, probeMp4 } from "../dataset/index.js";
import type { LeRobotDataset, CompleteFeatureStats, FfmpegInfo } from "../dataset/index.js";

/** Frame indices LeRobot samples from an episode of `length` frames (compute_stats.py sample_indices). */
export function sampleIndices(length: number): number[] {
  // estimate_num_samples: at least 100 (or every frame of a shorter episode), length^0.75 up to 10,000.
  const wanted = Math.max(Math.min(100, length), Math.min(Math.trunc(length ** 0.75), 10_000));
  if (wanted <= 1) return [0];
  // np.round(np.linspace(0, length - 1, wanted)): numpy rounds halves to even.
  return Array.from({ length: wanted }, (_, i) => roundHalfEven((i * (length - 1)) / (wanted - 1)));
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Stats of a video feature's episode: its mp4 decoded once, the sampled frames counted. */
export async function videoEpisodeStats(dataset: LeRobotDataset, episodeIndex: number, key: string, ffmpeg: FfmpegInfo): Promise<CompleteFeatureStats> {
  const episode = dataset.episode(episodeIndex);
  const camera = episode.cameras[key];
  if (!camera) throw new DatasetError(`episode ${episodeIndex} has no video for '${key}'`, { file: dataset.root });
  const { width, height } = await probeMp4(camera.path);
  const wanted = new Set(sampleIndices(episode.length));
  const stats = new ImageStatsAccumulator(width, height);
  let k = 0;
  for await (const frame of decodeFrames({ ffmpeg, path: camera.path, timestampS: camera.fromTimestampS, width, height, count: episode.length })) {
    if (wanted.has(k)) stats.push(frame);
    k++;
  }
  return stats.result();
}

/** Stats of an image feature's episode: the sampled rows' PNGs. */
export async function imageEpisodeStats(dataset: LeRobotDataset, episodeIndex: number, key: string): Promise<CompleteFeatureStats> {
  const column = (await dataset.readFrames({ episodes: [episodeIndex], columns: [key] })).getChild(key);
  let stats: ImageStatsAccumulator | undefined;
  for (const row of sampleIndices(dataset.episode(episodeIndex).length)) {
    const cell = column?.get(row) as { bytes?: Uint8Array | null } | null | undefined;
    if (!cell?.bytes) throw new DatasetError(`episode ${episodeIndex} frame ${row} has no image bytes in '${key}'`, { file: dataset.episode(episodeIndex).dataFile });
    const png = decodePng(cell.bytes);
    stats ??= new ImageStatsAccumulator(png.width, png.height);
    stats.push(png.data);
  }
  return stats!.result();
}
