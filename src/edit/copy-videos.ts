/**
 * One camera's videos for copyEpisodes: each output episode's frames go into the current output
 * mp4, which closes at the size limit; where each episode landed is read back from the written
 * file. Frames are copied without re-encoding (mp4-splice.ts) unless the plan says to encode:
 * always (reencode_videos; convert_image_to_video, whose frames are PNGs in the data rows), or
 * only for a file whose sources cannot be spliced together (merge of datasets encoded
 * differently).
 */
import fs from "node:fs";
import path from "node:path";
import { DatasetError } from "../errors.js";
import type { EpisodeVideoLocation, DatasetInfo, LeRobotDataset, FfmpegInfo, Mp4Info, ResolvedEncoderSettings } from "../dataset/index.js";
import { formatTemplate, nextChunkFile, resolveInside, decodePng, EpisodeVideoEncoder, decodeFrames, probeMp4, Mp4LayoutError, spliceMp4 } from "../dataset/index.js";

const MIB = 1024 * 1024;

/** The encoder a plan encodes with. */
export interface VideoTarget {
  ffmpeg: FfmpegInfo;
  settings: ResolvedEncoderSettings;
}

/** How one output camera gets its frames. */
export interface VideoPlan {
  key: string;
  /** The source holds this camera as an mp4 (default) or as PNG images in its data rows. */
  from?: "video" | "image";
  /** Encode every output file with this (needed when `from` is "image"). */
  encode?: VideoTarget;
  /** Encode only an output file whose sources cannot be spliced together, or that holds an episode `mustEncode` names. */
  fallback?: VideoTarget;
  /** Sources whose frames must be encoded with `fallback` (a merge source with another codec or pixel format). */
  mustEncode?: (dataset: LeRobotDataset) => boolean;
}

/** One source episode, as the video copier needs it. */
export interface VideoEpisodeSource {
  dataset: LeRobotDataset;
  episodeIndex: number;
}

export interface VideoCopyResult {
  /** Output episodes whose frames were re-encoded. */
  encodedEpisodes: number;
  /** The first file written, from which the feature's info block can be read. */
  firstFile: string | undefined;
}

/** An episode's frames in a source: a run of samples of an mp4, or the images of its rows. */
type Segment = Mp4Segment | { kind: "image"; dataset: LeRobotDataset; episodeIndex: number; key: string; count: number };

interface Mp4Segment {
  kind: "mp4";
  dataset: LeRobotDataset;
  file: string;
  firstSample: number;
  count: number;
  fromTimestampS: number;
  estimatedBytes: number;
  width: number;
  height: number;
  /** Set on a clip this copy encoded: the target it was encoded with (the clip is deleted once spliced). */
  encodedWith?: VideoTarget;
}

export async function writeVideos(
  root: string, info: DatasetInfo, plan: VideoPlan, episodes: VideoEpisodeSource[],
  setLocation: (output: number, location: EpisodeVideoLocation) => void,
  onProgress?: (done: number, total: number) => void,
): Promise<VideoCopyResult> {
  const limit = info.video_files_size_in_mb * MIB;
  const probes = new Map<string, Promise<Mp4Info>>();
  const probe = (file: string) => {
    let p = probes.get(file);
    if (!p) probes.set(file, (p = probeMp4(file)));
    return p;
  };
  // Encoded episodes are clips of their own, spliced like any source: a file's size is then
  // known before it is written, and every episode starts on a keyframe.
  const clips = new Clips(path.join(root, ".edit-clips"), info.fps);
  let cursor = { chunk: 0, file: 0 };
  const result: VideoCopyResult = { encodedEpisodes: 0, firstFile: undefined };
  let pending: { segment: Mp4Segment; output: number }[] = [];
  let pendingBytes = 0;

  const encode = async (segment: Segment, target: VideoTarget): Promise<Mp4Segment> => {
    const clip = await clips.encode(segment, target);
    result.encodedEpisodes++;
    return clip;
  };
  const splice = (file: string) => spliceMp4(file, pending.map(({ segment }) => ({ file: segment.file, firstSample: segment.firstSample, count: segment.count })));
  const flush = async () => {
    if (pending.length === 0) return;
    const file = resolveInside(root, formatTemplate(info.video_path!, { video_key: plan.key, chunk_index: cursor.chunk, file_index: cursor.file }));
    try {
      await splice(file);
    } catch (error) {
      if (!(error instanceof Mp4LayoutError) || !plan.fallback) throw error;
      // The sources were encoded differently: the file's episodes are encoded again, alike.
      for (const entry of pending) if (!entry.segment.encodedWith || entry.segment.encodedWith !== plan.fallback) entry.segment = await encode(entry.segment, plan.fallback);
      await splice(file);
    }
    // Where each episode starts and ends, read from the written file.
    const written = await probeMp4(file);
    let frame = 0;
    pending.forEach(({ segment, output }, i) => {
      const fromTimestampS = written.timestampsS[frame]!;
      frame += segment.count;
      const toTimestampS = i === pending.length - 1 ? written.durationS : written.timestampsS[frame]!;
      setLocation(output, { chunkIndex: cursor.chunk, fileIndex: cursor.file, fromTimestampS, toTimestampS });
    });
    result.firstFile ??= file;
    cursor = nextChunkFile(cursor.chunk, cursor.file, info.chunks_size);
    await clips.remove(pending.map(({ segment }) => segment));
    pending = [];
    pendingBytes = 0;
  };
  try {
    for (const [i, source] of episodes.entries()) {
      let segment = await segmentOf(source, plan, probe);
      const target = plan.encode ?? (plan.fallback && plan.mustEncode?.(source.dataset) ? plan.fallback : undefined);
      if (target) segment = await encode(segment, target);
      if (segment.kind !== "mp4") throw new DatasetError(`'${plan.key}' is stored as images: it can only be encoded, not copied`);
      if (pending.length > 0 && pendingBytes + segment.estimatedBytes >= limit) await flush();
      pending.push({ segment, output: i });
      pendingBytes += segment.estimatedBytes;
      onProgress?.(i + 1, episodes.length);
    }
    await flush();
  } finally {
    await clips.close();
  }
  return result;
}

async function segmentOf(source: VideoEpisodeSource, plan: VideoPlan, probe: (file: string) => Promise<Mp4Info>): Promise<Segment> {
  const episode = source.dataset.episode(source.episodeIndex);
  if (plan.from === "image") return { kind: "image", dataset: source.dataset, episodeIndex: episode.episodeIndex, key: plan.key, count: episode.length };
  const camera = episode.cameras[plan.key];
  if (!camera) throw new DatasetError(`episode ${episode.episodeIndex} of ${source.dataset.root} has no video for '${plan.key}'`, { file: source.dataset.root });
  const p = await probe(camera.path);
  const firstSample = nearestFrame(p.timestampsS, camera.fromTimestampS);
  if (firstSample === undefined || firstSample + episode.length > p.frameCount) {
    throw new DatasetError(`${camera.path} has no frames for episode ${episode.episodeIndex} at ${camera.fromTimestampS} s`, { file: camera.path });
  }
  // The file's bytes per frame, to decide when an output file reaches its size limit.
  const estimatedBytes = (fs.statSync(camera.path).size / Math.max(1, p.frameCount)) * episode.length;
  return {
    kind: "mp4", dataset: source.dataset, file: camera.path, firstSample, count: episode.length, fromTimestampS: p.timestampsS[firstSample]!,
    estimatedBytes, width: p.width, height: p.height,
  };
}

/** The frame shown at a time, within half a millisecond (LeRobot's tolerance is 0.1 ms). */
function nearestFrame(timestamps: Float64Array, t: number): number | undefined {
  let lo = 0;
  let hi = timestamps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timestamps[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  const best = [lo - 1, lo].filter((i) => i >= 0 && i < timestamps.length).sort((a, b) => Math.abs(timestamps[a]! - t) - Math.abs(timestamps[b]! - t))[0];
  return best !== undefined && Math.abs(timestamps[best]! - t) < 5e-4 ? best : undefined;
}

/**
 * Episodes encoded as clips of their own in a scratch folder inside the output (same file
 * system, removed with it on failure), each at exactly i/fps from its decoded frames.
 */
class Clips {
  private next = 0;
  constructor(private readonly folder: string, private readonly fps: number) {}

  async encode(segment: Segment, target: VideoTarget): Promise<Mp4Segment> {
    await fs.promises.mkdir(this.folder, { recursive: true });
    const file = path.join(this.folder, `clip-${this.next++}.mp4`);
    let encoder: EpisodeVideoEncoder | undefined;
    let size: { width: number; height: number } | undefined;
    try {
      for await (const frame of framesOf(segment, target.ffmpeg)) {
        size ??= { width: frame.width, height: frame.height };
        if (frame.width !== size.width || frame.height !== size.height) {
          throw new DatasetError(`episode frames of ${frame.width}x${frame.height} and ${size.width}x${size.height} cannot share one video`);
        }
        encoder ??= EpisodeVideoEncoder.start({ ...target.settings, ffmpeg: target.ffmpeg, outPath: file, width: size.width, height: size.height, fps: this.fps });
        await encoder.write(frame.data);
      }
      if (!encoder) throw new DatasetError(`an episode with no frames cannot be encoded`);
      await encoder.finish();
    } catch (error) {
      await encoder?.abort();
      throw error;
    }
    // Probed once, not cached: the clip is deleted as soon as it is spliced.
    const written = await probeMp4(file);
    if (written.frameCount !== segment.count) throw new DatasetError(`${file}: encoded ${written.frameCount} frames of ${segment.count}`, { file });
    return {
      kind: "mp4", dataset: segment.dataset, file, firstSample: 0, count: segment.count, fromTimestampS: written.timestampsS[0]!,
      estimatedBytes: fs.statSync(file).size, width: written.width, height: written.height, encodedWith: target,
    };
  }

  /** Deletes the clips among these segments once they are spliced. */
  async remove(segments: Mp4Segment[]): Promise<void> {
    for (const segment of segments) if (segment.encodedWith) await fs.promises.rm(segment.file, { force: true });
  }

  async close(): Promise<void> {
    await fs.promises.rm(this.folder, { recursive: true, force: true });
  }
}

/** A segment's frames as rgb24, decoded one episode at a time. */
async function* framesOf(segment: Segment, ffmpeg: FfmpegInfo): AsyncGenerator<{ data: Uint8Array; width: number; height: number }> {
  if (segment.kind === "mp4") {
    const { width, height } = segment;
    for await (const data of decodeFrames({ ffmpeg, path: segment.file, timestampS: segment.fromTimestampS, width, height, count: segment.count })) {
      yield { data, width, height };
    }
    return;
  }
  const { dataset, episodeIndex, key } = segment;
  const table = await dataset.readFrames({ episodes: [episodeIndex], columns: [key] });
  const column = table.getChild(key)!;
  for (let row = 0; row < table.numRows; row++) {
    const cell = column.get(row) as { bytes?: Uint8Array | null } | null;
    if (!cell?.bytes) throw new DatasetError(`episode ${episodeIndex} frame ${row} of ${dataset.root} has no image bytes in '${key}'`, { file: dataset.root });
    const png = decodePng(cell.bytes);
    yield { data: png.data, width: png.width, height: png.height };
  }
}
