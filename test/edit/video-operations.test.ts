/**
 * Dataset edits that encode video or rebuild stats (reencode_videos, convert_image_to_video,
 * merge of datasets encoded differently, recompute_stats), from the library (`lerobot-ts edit`
 * is in test/cli/commands/edit.test.ts): every output episode still holds its own source
 * episode's rows and frames (barcodes in the first and last frame of every camera), the info
 * block describes the files written, and the outputs verify with --deep.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import type { LeRobotDataset } from "../../src/dataset/reader.js";
import { probeMp4 } from "../../src/dataset/video/index.js";
import { mergeDatasets, recomputeStats } from "../../src/edit/operations.js";
import { convertImageToVideo, reencodeVideos } from "../../src/edit/video-operations.js";
import { LENGTHS, expectEpisodes, writeCoded } from "../helpers/coded-dataset.js";
import { tempDir } from "../helpers/synthetic.js";

const CODES = LENGTHS.map((_, i) => i);
const taskOf = (i: number) => (i % 2 === 0 ? "pick" : "place");

/** The codec of every mp4 under a dataset's videos/ folder. */
async function codecsOf(root: string): Promise<Set<string>> {
  const files = fs.readdirSync(path.join(root, "videos"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".mp4"));
  return new Set(await Promise.all(files.map(async (f) => (await probeMp4(path.join(root, "videos", f))).codec)));
}

describe("dataset edits that encode video", () => {
  const dir = tempDir("lerobot-ts-edit-video-");
  const source = path.join(dir, "h264");
  let ds: LeRobotDataset;
  beforeAll(async () => {
    await writeCoded(source, CODES, LENGTHS, taskOf, { crf: 18 });
    ds = await openDataset(source);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reencode_videos: every file in the new codec, each episode's frames its own, info from the written files", async () => {
    const out = path.join(dir, "hevc");
    const result = await reencodeVideos(ds, { vcodec: "hevc", crf: 20, g: 4 }, out);
    expect(result.reencoded).toEqual({ "observation.images.front": LENGTHS.length, "observation.images.wrist": LENGTHS.length });
    expect(await codecsOf(out)).toEqual(new Set(["hevc"]));
    await expectEpisodes(out, CODES, LENGTHS, CODES.map(taskOf));
    const info = (await openDataset(out)).features["observation.images.front"]!.info!;
    expect(info).toMatchObject({ "video.codec": "hevc", "video.crf": 20, "video.g": 4, "video.pix_fmt": "yuv420p", "video.video_backend": "pyav", is_depth_map: false });
    // The input is untouched.
    expect(await codecsOf(source)).toEqual(new Set(["h264"]));
    // Asking again for what the files already are re-encodes nothing (as LeRobot's reencode_dataset).
    const again = await reencodeVideos(await openDataset(out), { vcodec: "hevc", crf: 20, g: 4 }, path.join(dir, "hevc-again"));
    expect(again.reencoded).toEqual({ "observation.images.front": 0, "observation.images.wrist": 0 });
    expect(Object.keys(again.skipped)).toEqual(["observation.images.front", "observation.images.wrist"]);
  }, 240_000);

  it("convert_image_to_video: the PNG columns become mp4s, frame for frame, and leave the data", async () => {
    const images = path.join(dir, "images");
    await writeCoded(images, CODES, LENGTHS, taskOf, { useVideos: false });
    const imageDs = await openDataset(images);
    expect(imageDs.features["observation.images.front"]!.dtype).toBe("image");
    const out = path.join(dir, "converted");
    await convertImageToVideo(imageDs, { vcodec: "h264", crf: 18 }, out);
    const converted = await openDataset(out);
    expect(converted.features["observation.images.front"]!.dtype).toBe("video");
    expect(converted.info.video_path).toBe("videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4");
    const columns = (await converted.readFrames({ episodes: [0] })).schema.fields.map((f) => f.name);
    expect(columns).not.toContain("observation.images.front");
    // Small size limits: the episodes spread over several mp4s per camera.
    expect(new Set(converted.episodes.map((e) => e.cameras["observation.images.front"]!.path)).size).toBeGreaterThan(1);
    // Camera stats carry over from the images.
    expect(converted.episode(2).stats["observation.images.front"]).toEqual(imageDs.episode(2).stats["observation.images.front"]);
    await expectEpisodes(out, CODES, LENGTHS, CODES.map(taskOf));
    // A chosen subset, renumbered.
    const subset = path.join(dir, "converted-subset");
    await convertImageToVideo(imageDs, { vcodec: "h264", crf: 18 }, subset, { episodeIndices: [4, 1] });
    await expectEpisodes(subset, [4, 1], [LENGTHS[4]!, LENGTHS[1]!]);
    await expect(convertImageToVideo(ds, {}, path.join(dir, "never"))).rejects.toThrow(/has no image features/);
  }, 240_000);

  it("merge: datasets in another codec are re-encoded into the first's; encoder keys that differ become null, as LeRobot's", async () => {
    const av1 = path.join(dir, "av1");
    await writeCoded(av1, [100, 101], [6, 9], () => "stack", { vcodec: "libsvtav1", crf: 20 });
    const out = path.join(dir, "merged");
    const result = await mergeDatasets([ds, await openDataset(av1)], out);
    expect(await codecsOf(out)).toEqual(new Set(["h264"]));
    // Only files holding an AV1 episode were encoded; the rest were copied.
    expect(result.reencoded["observation.images.front"]).toBeGreaterThanOrEqual(2);
    expect(result.reencoded["observation.images.front"]).toBeLessThan(LENGTHS.length + 2);
    await expectEpisodes(out, [...CODES, 100, 101], [...LENGTHS, 6, 9], [...CODES.map(taskOf), "stack", "stack"]);
    const info = (await openDataset(out)).features["observation.images.front"]!.info!;
    expect(info["video.codec"]).toBe("h264");
    expect(info["video.crf"]).toBeNull();
    expect(info["video.preset"]).toBeNull();
    expect(info["video.g"]).toBe(2);
  }, 240_000);

  it("recompute_stats: stale stats.json and episode stats rebuilt from the rows", async () => {
    const stale = path.join(dir, "stale");
    fs.cpSync(source, stale, { recursive: true });
    const statsFile = path.join(stale, "meta/stats.json");
    const original = JSON.parse(fs.readFileSync(statsFile, "utf8")) as Record<string, Record<string, unknown>>;
    fs.writeFileSync(statsFile, JSON.stringify({ ...original, action: { ...original.action, mean: original.action!.max } }));
    const out = path.join(dir, "recomputed");
    await recomputeStats(await openDataset(stale), out);
    const rebuilt = JSON.parse(fs.readFileSync(path.join(out, "meta/stats.json"), "utf8")) as Record<string, Record<string, number[]>>;
    // Numeric stats as the writer computed them; camera stats carried (aggregated again: float order aside, equal).
    for (const key of ["action", "observation.state", "timestamp", "index", "observation.images.front"]) {
      for (const stat of ["min", "max", "mean", "std", "count"]) {
        const want = (original[key]![stat] as unknown[]).flat(3) as number[];
        const got = (rebuilt[key]![stat] as unknown[]).flat(3) as number[];
        expect(got.length, `${key}.${stat}`).toBe(want.length);
        got.forEach((v, i) => expect(v, `${key}.${stat}[${i}]`).toBeCloseTo(want[i]!, 6));
      }
    }
    await expectEpisodes(out, CODES, LENGTHS);
  }, 120_000);
});
