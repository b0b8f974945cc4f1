/**
 * Reads what a dataset needs to know about an mp4 from its boxes (mp4box, pure JS): codec, size,
 * frame count and every frame's presentation time. No decoding and no ffprobe; of the media data
 * nothing is read.
 */
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { MP4BoxBuffer, createFile } from "mp4box";
import type { Movie, Sample, Track } from "mp4box";
import { VideoError } from "../../errors.js";
import type { ByteSource } from "../byte-source.js";
import { runFfmpeg } from "../../system/index.js";
import type { FfmpegInfo } from "../../system/index.js";

export interface Mp4Info {
  /** ffmpeg's name for the codec: 'h264' | 'hevc' | 'av1' | 'vp9' | ..., else the sample entry fourcc. */
  codec: string;
  /** RFC 6381 codec string, e.g. avc1.64001f. */
  codecString: string;
  width: number;
  height: number;
  /** Frames per second from the most common sample duration, rounded to 3 decimals. */
  fps: number;
  frameCount: number;
  /** Video track duration (sum of sample durations) in seconds. */
  durationS: number;
  /** Presentation time of every frame in seconds, ascending; frame 0 at 0. */
  timestampsS: Float64Array;
  keyframeCount: number;
  hasAudio: boolean;
  /** Frames the edit list leaves out of the presentation (players and decoders never show them). */
  framesOutsideEdit: number;
}

/** Top-level boxes a real mp4 may start with; anything else is not worth handing to the parser. */
const FIRST_BOXES = new Set(["ftyp", "styp", "free", "skip", "wide", "mdat", "moov", "pdin", "uuid"]);
/** What is read at a position that does not hold a box header mp4box can use. */
const CHUNK_BYTES = 1 << 20;

/** Read an mp4's boxes from a local file, or from a ByteSource (a file in a Hub dataset). */
export async function probeMp4(file: string | ByteSource): Promise<Mp4Info> {
  if (typeof file !== "string") {
    const { movie, samples } = await parseMoov(file);
    return summarize(movie, samples, file.name);
  }
  let fh: FileHandle;
  try {
    fh = await open(file, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === "ENOENT" ? "does not exist" : `cannot be opened (${code ?? String(err)})`;
    throw new VideoError(`video file ${file} ${problem}`, { file, cause: err });
  }
  try {
    const { movie, samples } = await parseMoov(await fileHandleSource(fh, file));
    return summarize(movie, samples, file);
  } finally {
    await fh.close();
  }
}

async function fileHandleSource(fh: FileHandle, name: string): Promise<ByteSource> {
  const { size } = await fh.stat();
  return {
    name,
    size,
    read: async (start, end) => {
      const buf = Buffer.allocUnsafe(Math.max(0, Math.min(end, size) - start));
      const { bytesRead } = await fh.read(buf, 0, buf.length, start);
      return buf.subarray(0, bytesRead);
    },
  };
}

/**
 * Feeds the file to mp4box a top-level box at a time, starting each read where mp4box asks. Of
 * an mdat only the header is read (mp4box skips its payload), so a 200 MB file costs its moov
 * box and a few box headers, which matters most when the bytes come over the network.
 */
async function parseMoov(source: ByteSource): Promise<{ movie: Movie; samples: Sample[]; track: Track }> {
  const { size, name: path } = source;
  if (size === 0) throw new VideoError(`video file ${path} is empty (0 bytes)`, { file: path });
  await checkFirstBox(source, path);

  const iso = createFile();
  let movie: Movie | undefined;
  let parseError: string | undefined;
  iso.onReady = (m) => {
    movie = m;
  };
  iso.onError = (module, message) => {
    parseError = `${module}: ${message}`;
  };
  let pos = 0;
  // Where the previous read ended: should mp4box stall wanting bytes before it, going back to
  // feed that gap un-sticks it.
  let readEnd = 0;
  // A fragmented file's samples are in the moof boxes after the moov: read on to the end for them.
  while ((movie === undefined || movie.isFragmented) && parseError === undefined && pos < size) {
    const bytes = await source.read(pos, await readEndAt(source, pos));
    if (bytes.length === 0) break;
    // mp4box wants a plain ArrayBuffer tagged with its offset in the file.
    const ab = MP4BoxBuffer.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer, pos);
    const next = iso.appendBuffer(ab, pos + bytes.length >= size);
    if (next > pos) {
      readEnd = pos + bytes.length;
      pos = next;
    } else if (readEnd < pos) {
      pos = readEnd;
    } else {
      break; // no progress with every byte before it fed: mp4box is stuck on bad data
    }
  }
  if (movie === undefined) {
    const why = parseError ?? (pos >= size ? "no complete moov box (truncated, or still being written?)" : "unreadable box structure");
    throw new VideoError(`video file ${path} is not a valid mp4: ${why}`, { file: path });
  }
  const track = movie.videoTracks[0];
  if (track === undefined) throw new VideoError(`video file ${path} has no video track`, { file: path });
  const samples = iso.getTrackSamplesInfo(track.id);
  const trak = iso.getTrackById(track.id);
  // getInfo() reports edits on the Track; keep the box as a fallback for older mp4box shapes.
  track.edits ??= trak.edts?.elst?.entries;
  return { movie, samples, track };
}

/** Where the read starting at `pos` should end: the end of the box there (only the header of an mdat). */
async function readEndAt(source: ByteSource, pos: number): Promise<number> {
  const chunkEnd = Math.min(source.size, pos + CHUNK_BYTES);
  const head = await source.read(pos, Math.min(source.size, pos + 16));
  if (head.length < 8) return chunkEnd;
  const view = new DataView(head.buffer, head.byteOffset, head.length);
  const type = String.fromCharCode(...head.subarray(4, 8));
  if (!/^[\x20-\x7e]{4}$/.test(type)) return chunkEnd; // not a box header: mp4box asked for the middle of one
  let boxSize = view.getUint32(0);
  let headerSize = 8;
  if (boxSize === 1) {
    if (head.length < 16) return chunkEnd;
    boxSize = Number(view.getBigUint64(8));
    headerSize = 16;
  } else if (boxSize === 0) {
    boxSize = source.size - pos; // the box runs to the end of the file
  }
  if (boxSize < headerSize) return chunkEnd;
  if (type === "mdat") return pos + headerSize;
  return Math.min(source.size, pos + boxSize);
}

async function checkFirstBox(source: ByteSource, path: string): Promise<void> {
  const head = await source.read(0, 8);
  const type = Buffer.from(head.subarray(4, 8)).toString("latin1");
  if (source.size < 8 || !FIRST_BOXES.has(type)) {
    throw new VideoError(`video file ${path} is not an mp4 (${source.size} bytes, no ftyp/moov/mdat box at the start)`, { file: path });
  }
}

function summarize(movie: Movie, samples: Sample[], path: string): Mp4Info {
  const track = movie.videoTracks[0] as Track;
  const n = samples.length;
  if (n === 0) throw new VideoError(`video file ${path} has a video track with no frames`, { file: path });
  const timescale = track.timescale;

  // Presentation order is cts order; the edit list says which media time is shown first.
  const shift = presentationShift(track, samples);
  const timestampsS = new Float64Array(n);
  let keyframeCount = 0;
  let durationTicks = 0;
  const durationCounts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const s = samples[i] as Sample;
    timestampsS[i] = (s.cts - shift) / timescale;
    if (s.is_sync) keyframeCount++;
    durationTicks += s.duration;
    durationCounts.set(s.duration, (durationCounts.get(s.duration) ?? 0) + 1);
  }
  timestampsS.sort();

  // The last sample's duration is often odd after a remux; the most common one is the frame period.
  let period = 0;
  let best = 0;
  for (const [d, c] of durationCounts) {
    if (c > best && d > 0) {
      best = c;
      period = d;
    }
  }
  const fps = period > 0 ? Math.round((timescale / period) * 1000) / 1000 : 0;

  return {
    codec: ffmpegCodecName(track.codec),
    codecString: track.codec,
    width: track.video?.width ?? track.track_width,
    height: track.video?.height ?? track.track_height,
    fps,
    frameCount: n,
    durationS: durationTicks / timescale,
    timestampsS,
    keyframeCount,
    hasAudio: movie.audioTracks.length > 0,
    framesOutsideEdit: framesOutsideEdit(track, timestampsS, movie.timescale),
  };
}

/**
 * Media ticks to subtract so the first presented frame is at 0. ffmpeg writes an edit list whose
 * media_time is the first cts when frames are reordered (h264 with a dts offset); use it when it
 * is the simple one-segment kind, otherwise the smallest cts.
 */
function presentationShift(track: Track, samples: Sample[]): number {
  let minCts = Infinity;
  for (const s of samples) minCts = Math.min(minCts, s.cts);
  const normal = (track.edits ?? []).filter((e) => e.media_time >= 0);
  const edit = normal[0];
  if (normal.length === 1 && edit !== undefined && edit.media_time <= minCts) return edit.media_time;
  return minCts;
}

/**
 * Frames past the end of a single-segment edit list. ffmpeg shows a frame only if it starts
 * before the edit ends; an edit a few milliseconds short drops the last frame.
 */
function framesOutsideEdit(track: Track, timestampsS: Float64Array, movieTimescale: number): number {
  const normal = (track.edits ?? []).filter((e) => e.media_time >= 0);
  const edit = normal[0];
  if (normal.length !== 1 || edit === undefined || edit.segment_duration === 0 || movieTimescale <= 0) return 0;
  const endS = edit.segment_duration / movieTimescale;
  let outside = 0;
  // A microsecond of slack: segment durations are rounded to the movie timescale.
  for (let i = timestampsS.length - 1; i >= 0 && timestampsS[i]! >= endS - 1e-6; i--) outside++;
  return outside;
}

const CODEC_NAMES: Record<string, string> = {
  avc1: "h264",
  avc2: "h264",
  avc3: "h264",
  avc4: "h264",
  hvc1: "hevc",
  hev1: "hevc",
  av01: "av1",
  vp09: "vp9",
  vp08: "vp8",
  mp4v: "mpeg4",
  mjpg: "mjpeg",
};

function ffmpegCodecName(codecString: string): string {
  const fourcc = codecString.split(".")[0] ?? codecString;
  return CODEC_NAMES[fourcc] ?? fourcc;
}

/** The stream's pixel format (e.g. yuv420p), which the boxes only imply; ffmpeg states it. */
export async function probePixelFormat(ffmpeg: FfmpegInfo, path: string): Promise<string> {
  // With no output ffmpeg exits non-zero, but it has printed the stream description first.
  const { stderrTail } = await runFfmpeg(ffmpeg, ["-hide_banner", "-nostdin", "-i", path]);
  const line = stderrTail.split("\n").find((l) => /Stream #\S+: Video:/.test(l));
  if (line === undefined) {
    throw new VideoError(`video file ${path}: ffmpeg found no video stream${stderrTail ? `\n${stderrTail}` : ""}`, { file: path });
  }
  // "Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 160x120, ..." -> yuv420p
  const afterCodec = line.replace(/^.*?Video:[^,]*,\s*/, "");
  const fmt = /^([a-z0-9_]+)/.exec(afterCodec)?.[1];
  if (fmt === undefined) throw new VideoError(`video file ${path}: cannot read the pixel format from '${line.trim()}'`, { file: path });
  return fmt;
}
