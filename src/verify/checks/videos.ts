/**
 * The mp4 files, each parsed once from its boxes (no decoding): present, codec / size / fps as
 * info.json says, and every episode's [from_timestamp, to_timestamp) holding exactly `length`
 * frames on the frame grid, with episodes in a file neither overlapping nor leaving gaps.
 */
import type { EpisodeRecord, DatasetInfo, Mp4Info } from "../../dataset/index.js";
import { videoInfoOf, videoKeys, probeMp4, codecFamily } from "../../dataset/index.js";
import type { VerifyContext } from "../context.js";
import { TOLERANCE_S, describeKind } from "../context.js";
import { lowerBound, nearestValue } from "../sorted.js";

export interface VideoFile {
  key: string;
  file: string;
  /** Episodes stored in the file, by from_timestamp. */
  episodes: EpisodeRecord[];
  probe: Mp4Info;
}

/** Check every video file of the checked episodes; returns those that parsed (for --deep). */
export async function checkVideos(ctx: VerifyContext): Promise<VideoFile[]> {
  const info = ctx.info;
  if (!info || !ctx.episodes) return [];
  const groups = new Map<string, { key: string; episodes: EpisodeRecord[] }>();
  for (const key of videoKeys(info.features)) {
    for (const episode of ctx.checkedEpisodes) {
      const loc = episode.videos[key];
      if (!loc) continue; // episodes.columns reported it
      const file = ctx.videoFile(key, loc.chunkIndex, loc.fileIndex);
      if (file === undefined) {
        ctx.skipped.set("videos", "info.json's video_path cannot be used");
        return [];
      }
      const group = groups.get(file) ?? { key, episodes: [] };
      group.episodes.push(episode);
      groups.set(file, group);
    }
  }
  const parsed: VideoFile[] = [];
  let done = 0;
  for (const [file, { key, episodes }] of groups) {
    ctx.progress("videos", done++, groups.size);
    ctx.referenced.add(file);
    const probe = await probeVideo(ctx, file, episodes);
    if (!probe) continue;
    const sorted = [...episodes].sort((a, b) => a.videos[key]!.fromTimestampS - b.videos[key]!.fromTimestampS);
    checkFileHeader(ctx, info, key, file, probe);
    checkEpisodesInFile(ctx, info, key, file, probe, sorted);
    parsed.push({ key, file, episodes: sorted, probe });
  }
  ctx.progress("videos", done, groups.size);
  return parsed;
}

async function probeVideo(ctx: VerifyContext, file: string, episodes: EpisodeRecord[]): Promise<Mp4Info | undefined> {
  const which = episodes.length === 1 ? `episode ${episodes[0]!.episodeIndex}` : `episodes ${episodes.map((e) => e.episodeIndex).join(", ").slice(0, 80)}`;
  const kind = ctx.files.kind(file);
  if (kind !== "file") {
    ctx.add(kind === "missing" ? "videos.missing_file" : "videos.unreadable", `${ctx.rel(file)} ${describeKind(kind)} (${which})`, { file, episode: episodes[0]!.episodeIndex });
    return undefined;
  }
  try {
    return await probeMp4(ctx.files.source(file));
  } catch (error) {
    ctx.add("videos.unreadable", `${ctx.errorText(error, file)} (${which})`, { file, episode: episodes[0]!.episodeIndex });
    return undefined;
  }
}

function checkFileHeader(ctx: VerifyContext, info: DatasetInfo, key: string, file: string, probe: Mp4Info): void {
  const video = videoInfoOf(info.features[key]);
  if (video.codec !== undefined && codecFamily(video.codec) !== probe.codec) {
    ctx.add("videos.codec", `${ctx.rel(file)} is ${probe.codec} (${probe.codecString}); info.json says ${video.codec}`, { file, column: key });
  }
  if (video.width !== undefined && video.height !== undefined && (probe.width !== video.width || probe.height !== video.height)) {
    ctx.add("videos.size", `${ctx.rel(file)} is ${probe.width}x${probe.height}; info.json says ${video.width}x${video.height}`, { file, column: key });
  }
  if (probe.framesOutsideEdit > 0) {
    ctx.add("videos.edit_list", `${ctx.rel(file)}: its edit list ends before the last ${probe.framesOutsideEdit} frame(s), which decoders will not show`, { file, column: key });
  }
  if (Math.abs(probe.fps - info.fps) > 0.01) {
    ctx.add("videos.fps", `${ctx.rel(file)} runs at ${probe.fps} fps; the dataset is ${info.fps} fps`, { file, column: key });
  }
}

/** LeRobot's info.json codec names are ffmpeg's (av1, h264, hevc); accept encoder names too. */
function checkEpisodesInFile(ctx: VerifyContext, info: DatasetInfo, key: string, file: string, probe: Mp4Info, episodes: EpisodeRecord[]): void {
  const ts = probe.timestampsS;
  const period = 1 / info.fps;
  let previousTo: number | undefined;
  let previous: EpisodeRecord | undefined;
  for (const episode of episodes) {
    const { fromTimestampS: from, toTimestampS: to } = episode.videos[key]!;
    const at = { file, episode: episode.episodeIndex, column: key };
    const name = `episode ${episode.episodeIndex}`;
    if (Math.abs(to - from - episode.length / info.fps) > TOLERANCE_S) {
      ctx.add("videos.duration", `${name}: to_timestamp - from_timestamp = ${(to - from).toFixed(6)} s, but ${episode.length} frames at ${info.fps} fps last ${(episode.length / info.fps).toFixed(6)} s`, at);
    }
    const nearest = nearestValue(ts, from);
    if (Math.abs(nearest - from) > TOLERANCE_S) {
      ctx.add("videos.from_timestamp", `${name}: from_timestamp ${from.toFixed(6)} s is ${((nearest - from) * 1000).toFixed(3)} ms from the nearest frame (${nearest.toFixed(6)} s)`, at);
    }
    if (to > probe.durationS + TOLERANCE_S) {
      ctx.add("videos.past_end", `${name}: to_timestamp ${to.toFixed(6)} s is past the end of ${ctx.rel(file)} (${probe.durationS.toFixed(6)} s, ${probe.frameCount} frames)`, at);
    }
    const frames = lowerBound(ts, to - TOLERANCE_S) - lowerBound(ts, from - TOLERANCE_S);
    if (frames !== episode.length) {
      ctx.add("videos.frame_count", `${name}: ${frames} frames in [${from.toFixed(4)}, ${to.toFixed(4)}) s of ${ctx.rel(file)}, the episode has ${episode.length}`, at);
    }
    const start = previousTo ?? 0;
    if (from < start - TOLERANCE_S && previous) {
      ctx.add("videos.overlap", `${name} starts at ${from.toFixed(6)} s, before episode ${previous.episodeIndex} ends (${start.toFixed(6)} s)`, at);
    } else if (from > start + TOLERANCE_S && ctx.checksEverything) {
      const lost = lowerBound(ts, from - TOLERANCE_S) - lowerBound(ts, start - TOLERANCE_S);
      const after = previous ? `episode ${previous.episodeIndex} ends at ${start.toFixed(6)} s` : "the file starts at 0 s";
      // A shortened to_timestamp leaves time but no frame between episodes: videos.duration says so; nothing is wasted.
      if (lost > 0) ctx.add("videos.gap", `${name} starts at ${from.toFixed(6)} s but ${after}: ${lost} frame(s) belong to no episode`, at);
    }
    previousTo = to;
    previous = episode;
  }
  if (previousTo !== undefined && ctx.checksEverything && previousTo < probe.durationS - period / 2) {
    const tail = ts.length - lowerBound(ts, previousTo - TOLERANCE_S);
    if (tail > 0) {
      ctx.add("videos.unreferenced_tail", `${ctx.rel(file)} has ${tail} frame(s) after its last episode (${previous!.episodeIndex}, which ends at ${previousTo.toFixed(6)} s)`, { file, column: key });
    }
  }
}
