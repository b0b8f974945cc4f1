/**
 * appendMp4InPlace writes a clip's media and a new moov into the target without copying what is
 * there. mp4box, an independent reader, checks the sample tables it writes: every sample of the
 * result must be the bytes of the matching sample of the clip it came from.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EpisodeVideoEncoder } from "../../../src/dataset/video/encoder.js";
import { NotAppendableError, appendMp4InPlace } from "../../../src/dataset/video/mp4-append.js";
import { probeMp4 } from "../../../src/dataset/video/probe.js";
import { runFfmpeg } from "../../../src/system/ffmpeg.js";
import type { FfmpegInfo } from "../../../src/system/ffmpeg.js";
import { APPENDED, appendedBarcodeFile, encodeEpisodeClip } from "../../helpers/appended-barcode-file.js";
import { ffmpegWith } from "../../helpers/ffmpeg-with.js";
import { mp4boxSamples } from "../../helpers/mp4box-samples.js";
import { tempDir } from "../../helpers/synthetic.js";

const { width: W, height: H, fps: FPS, framesA: A_FRAMES } = APPENDED;

let tmp: string;
beforeAll(() => {
  tmp = tempDir("lerobot-mp4-append-");
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const encoders = {
  libx264: await ffmpegWith("libx264"),
  libsvtav1: await ffmpegWith("libsvtav1"),
};

/** A clip of another size (so another sample description), content irrelevant. */
async function encodeClipSized(ff: FfmpegInfo, vcodec: string, out: string, w: number, h: number, frames: number): Promise<string> {
  await mkdir(path.dirname(out), { recursive: true });
  const enc = EpisodeVideoEncoder.start({ ffmpeg: ff, outPath: out, width: w, height: h, fps: FPS, vcodec });
  for (let k = 0; k < frames; k++) await enc.write(new Uint8Array(w * h * 3).fill(k * 20));
  return (await enc.finish()).path;
}

/** Frames ffmpeg's demuxer counts in a file. */
async function demuxedFrames(ff: FfmpegInfo, file: string): Promise<number> {
  const r = await runFfmpeg(ff, ["-hide_banner", "-i", file, "-map", "0:v", "-c", "copy", "-f", "null", "-"]);
  expect(r.code).toBe(0);
  return Number([...r.stderrTail.matchAll(/frame=\s*(\d+)/g)].at(-1)?.[1]);
}

const codecCases = [
  { vcodec: "libx264", ffmpeg: encoders.libx264 },
  { vcodec: "libsvtav1", ffmpeg: encoders.libsvtav1 },
] as const;

describe.each(codecCases)("appendMp4InPlace with $vcodec", ({ vcodec, ffmpeg }) => {
  it.skipIf(!ffmpeg)("leaves the earlier frames readable if the append stops before its last write", async () => {
    const target = await appendedBarcodeFile(ffmpeg as FfmpegInfo, vcodec, path.join(tmp, vcodec, "crash"));
    // The state a crash leaves just before the old moov is turned into free space: two moovs.
    const copy = path.join(tmp, vcodec, "interrupted.mp4");
    const bytes = await readFile(target);
    let pos = 0;
    const boxes: [string, number][] = [];
    while (pos + 8 <= bytes.length) {
      boxes.push([bytes.toString("latin1", pos + 4, pos + 8), pos]);
      pos += bytes.readUInt32BE(pos);
    }
    // The old moov: the free box right before clip B's mdat.
    const lastMdat = boxes.map(([t]) => t).lastIndexOf("mdat");
    const oldMoov = boxes[lastMdat - 1]![1];
    bytes.write("moov", oldMoov + 4, "latin1");
    await writeFile(copy, bytes);
    const counted = await runFfmpeg(ffmpeg as FfmpegInfo, ["-hide_banner", "-i", copy, "-map", "0:v", "-c", "copy", "-f", "null", "-"]);
    expect(counted.code).toBe(0);
    expect(counted.stderrTail).toMatch(new RegExp(`frame=\\s*${A_FRAMES}\\b`));
  });

  it.skipIf(!ffmpeg)("refuses to append in place a clip of another sample description, leaving the file untouched", async () => {
    const ff = ffmpeg as FfmpegInfo;
    const base = path.join(tmp, vcodec, "mismatch", "base.mp4");
    const a = await encodeEpisodeClip(ff, vcodec, base, 0, 4);
    const other = await encodeClipSized(ff, vcodec, path.join(tmp, vcodec, "mismatch", "other.mp4"), W * 2, H * 2, 4);
    const before = await readFile(a.path);
    await expect(appendMp4InPlace(a.path, other)).rejects.toBeInstanceOf(NotAppendableError);
    expect((await readFile(a.path)).equals(before)).toBe(true);
  });
});

describe("appendMp4InPlace", () => {
  const ffmpeg = encoders.libx264;
  const clip = (name: string, episode: number, frames: number) => encodeEpisodeClip(ffmpeg as FfmpegInfo, "libx264", path.join(tmp, "x264", name), episode, frames).then((c) => c.path);

  it.skipIf(!ffmpeg)("writes sample tables that point, for mp4box, at the clips' own sample bytes in order", async () => {
    const [a, b, c] = [await clip("a.mp4", 0, 7), await clip("b.mp4", 1, 5), await clip("c.mp4", 2, 9)];
    const sources = [a, b, c].map((f) => mp4boxSamples(f));
    const target = path.join(tmp, "x264", "target.mp4");
    await copyFile(a, target);
    await appendMp4InPlace(target, b);
    await appendMp4InPlace(target, c);
    const result = mp4boxSamples(target);
    expect(result.samples.length).toBe(7 + 5 + 9);
    let i = 0;
    let dts = 0;
    for (const [s, source] of sources.entries()) {
      for (let k = 0; k < source.samples.length; k++, i++) {
        const want = source.samples[k]!;
        const got = result.samples[i]!;
        expect(result.sampleBytes(i).equals(source.sampleBytes(k)), `clip ${s} sample ${k}`).toBe(true);
        expect([got.size, got.duration, got.is_sync, got.cts - got.dts], `clip ${s} sample ${k}`).toEqual([want.size, want.duration, want.is_sync, want.cts - want.dts]);
        // Decoding times run on across the joins, without gap or overlap.
        expect(got.dts, `clip ${s} sample ${k}`).toBe(dts);
        dts += got.duration;
      }
    }
    // The movie lasts exactly as long as its samples, in the movie's timescale (rounded up).
    const movie = result.movie;
    expect(movie.duration).toBe(Math.ceil((dts * movie.timescale) / movie.videoTracks[0]!.timescale));
  });

  it.skipIf(!ffmpeg)("keeps every sample's bytes over many appends whose media fills the holes of old moovs", { timeout: 120_000 }, async () => {
    // Short, long and middling clips: old moov zones become holes that later clips' media fills,
    // split over several holes where one is too small (mp4-space.ts, mp4-rechunk.ts).
    const templates = [await clip("many-0.mp4", 0, 6), await clip("many-1.mp4", 1, 40), await clip("many-2.mp4", 2, 15)];
    const views = templates.map((t) => mp4boxSamples(t));
    const target = path.join(tmp, "x264", "many.mp4");
    await copyFile(templates[0]!, target);
    const order = [0];
    let layout: Awaited<ReturnType<typeof appendMp4InPlace>>["layout"] | undefined;
    for (let i = 1; i <= 24; i++) {
      const copy = path.join(tmp, "x264", `many-copy-${i}.mp4`);
      await copyFile(templates[i % 3]!, copy);
      layout = (await appendMp4InPlace(target, copy, layout)).layout;
      order.push(i % 3);
    }
    const result = mp4boxSamples(target);
    let at = 0;
    for (const [n, t] of order.entries()) {
      for (let k = 0; k < views[t]!.samples.length; k++, at++) {
        expect(result.sampleBytes(at).equals(views[t]!.sampleBytes(k)), `clip ${n} sample ${k}`).toBe(true);
      }
    }
    expect(result.samples.length).toBe(at);
    // Some clip was split over several places: more chunks than clips.
    expect(new Set(result.samples.map((s) => s.chunk_index)).size).toBeGreaterThan(order.length);
    // And media went into holes: more mdat boxes than clips (each piece of a clip is an mdat of its own).
    const mdats = layout!.boxes.filter((b) => b.type === "mdat");
    expect(mdats.length).toBeGreaterThan(order.length);
  });

  it.skipIf(!ffmpeg)("says what the target held before: its frames and their summed durations", async () => {
    const target = path.join(tmp, "x264", "before.mp4");
    await copyFile(await clip("before-a.mp4", 0, 6), target);
    const known = mp4boxSamples(target);
    const done = await appendMp4InPlace(target, await clip("before-b.mp4", 1, 4));
    expect(done.before).toEqual({
      frames: 6,
      ticks: known.samples.reduce((n, s) => n + s.duration, 0),
      timescale: known.movie.videoTracks[0]!.timescale,
    });
    expect(done.layout.track.samples).toBe(10);
  });

  it.skipIf(!ffmpeg)("undo() takes the clip back out, and a later append works on the file", async () => {
    const target = path.join(tmp, "x264", "undo.mp4");
    await copyFile(await clip("undo-a.mp4", 0, 6), target);
    await appendMp4InPlace(target, await clip("undo-b.mp4", 1, 4));
    const before = mp4boxSamples(target);
    const size = (await readFile(target)).length;
    const done = await appendMp4InPlace(target, await clip("undo-c.mp4", 2, 8));
    expect((await probeMp4(target)).frameCount).toBe(18);
    await done.undo();
    // What was appended past the end is cut off; the moov in use describes the same samples.
    // (Not byte for byte: free space the append split stays split.)
    expect((await readFile(target)).length).toBe(size);
    const after = mp4boxSamples(target);
    expect(after.samples.length).toBe(10);
    for (let i = 0; i < 10; i++) expect(after.sampleBytes(i).equals(before.sampleBytes(i)), `sample ${i}`).toBe(true);
    expect(await demuxedFrames(ffmpeg as FfmpegInfo, target)).toBe(10);
    await appendMp4InPlace(target, await clip("undo-d.mp4", 3, 3));
    expect((await probeMp4(target)).frameCount).toBe(13);
    expect(await demuxedFrames(ffmpeg as FfmpegInfo, target)).toBe(13);
  });

  it.skipIf(!ffmpeg)("declines, untouched, a target with more than one track", async () => {
    const ff = ffmpeg as FfmpegInfo;
    const target = path.join(tmp, "x264", "two-tracks.mp4");
    const r = await runFfmpeg(ff, ["-hide_banner", "-y", "-loglevel", "error", "-f", "lavfi", "-i", `testsrc=s=${W}x${H}:r=${FPS}`, "-f", "lavfi", "-i", "sine", "-t", "0.2", "-c:v", "libx264", "-g", "2", "-pix_fmt", "yuv420p", "-c:a", "aac", target]);
    expect(r.code).toBe(0);
    const before = await readFile(target);
    await expect(appendMp4InPlace(target, await clip("tracks-b.mp4", 1, 3))).rejects.toThrow(/expected one track, found 2/);
    expect((await readFile(target)).equals(before)).toBe(true);
  });

  it.skipIf(!ffmpeg)("declines, untouched, a clip of another frame rate", async () => {
    const target = path.join(tmp, "x264", "rate.mp4");
    await copyFile(await clip("rate-a.mp4", 0, 4), target);
    const other = path.join(tmp, "x264", "rate-b.mp4");
    const enc = EpisodeVideoEncoder.start({ ffmpeg: ffmpeg as FfmpegInfo, outPath: other, width: W, height: H, fps: 25, vcodec: "libx264" });
    for (let k = 0; k < 3; k++) await enc.write(new Uint8Array(W * H * 3).fill(k * 40));
    await enc.finish();
    const before = await readFile(target);
    await expect(appendMp4InPlace(target, other)).rejects.toBeInstanceOf(NotAppendableError);
    expect((await readFile(target)).equals(before)).toBe(true);
  });
});
