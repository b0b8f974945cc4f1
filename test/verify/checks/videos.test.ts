/** checkVideos: each mp4 parsed from its boxes against info.json and the episodes' from/to timestamps. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckId } from "../../../src/verify/catalog.js";
import { checkVideos } from "../../../src/verify/checks/videos.js";
import { editEpisodes, editInfo, shortenEditList, truncate } from "../../helpers/corrupt.js";
import { reencodeVideo } from "../../helpers/reencode.js";
import { tempDir } from "../../helpers/synthetic.js";
import { contextBefore, copyOf, findingsOf, writeVerifyBase } from "../../helpers/verify-context.js";

const FRONT = "videos/observation.images.front/chunk-000/file-000.mp4";
const KEY = "observation.images.front";

interface Case {
  name: string;
  apply: (root: string) => void | Promise<void>;
  expect: { check: CheckId; episode?: number; severity?: string };
  then?: CheckId[];
}

const shift = (episode: number, from: number, to = from) => (root: string) => editEpisodes(root, (e) => {
  const v = e[episode]!.videos[KEY]!;
  v.fromTimestampS += from;
  v.toTimestampS += to;
});

const CASES: Case[] = [
  { name: "a deleted mp4", apply: (r) => fs.rmSync(path.join(r, FRONT)), expect: { check: "videos.missing_file", episode: 0 } },
  { name: "an mp4 of zero bytes", apply: (r) => fs.writeFileSync(path.join(r, FRONT), ""), expect: { check: "videos.unreadable", episode: 0 } },
  { name: "an mp4 cut in half", apply: (r) => truncate(path.join(r, FRONT), Math.floor(fs.statSync(path.join(r, FRONT)).size / 2)), expect: { check: "videos.unreadable", episode: 0 } },
  { name: "another codec than declared", apply: (r) => editInfo(r, (i) => { i.features[KEY]!.info!["video.codec"] = "av1"; }), expect: { check: "videos.codec" } },
  {
    name: "another size than declared",
    apply: (r) => editInfo(r, (i) => { const f = i.features[KEY]!; f.shape = [96, 128, 3]; f.info!["video.height"] = 96; f.info!["video.width"] = 128; }),
    expect: { check: "videos.size" },
  },
  { name: "an edit list hiding the last frames", apply: (r) => shortenEditList(path.join(r, FRONT)), expect: { check: "videos.edit_list" } },
  { name: "an mp4 five frames short", apply: (r) => reencodeVideo(r, FRONT, ["-frames:v", "395"]), expect: { check: "videos.past_end", episode: 3 }, then: ["videos.frame_count"] },
  { name: "from/to half a frame off the grid", apply: shift(2, 0.5 / 30), expect: { check: "videos.from_timestamp", episode: 2 }, then: ["videos.gap", "videos.overlap"] },
  // Only the duration: the 10 ms between the episodes hold no frame, so none is wasted (no videos.gap).
  { name: "to - from that disagrees with the length", apply: shift(0, 0, -0.01), expect: { check: "videos.duration", episode: 0 } },
  { name: "episodes overlapping by a frame", apply: shift(1, -1 / 30), expect: { check: "videos.overlap", episode: 1 }, then: ["videos.gap"] },
  { name: "to_timestamp past the end of the file", apply: shift(3, 0, 1), expect: { check: "videos.duration", episode: 3 }, then: ["videos.past_end"] },
  { name: "frames after the last episode", apply: (r) => reencodeVideo(r, FRONT, ["-vf", "tpad=stop=10:stop_mode=clone"]), expect: { check: "videos.unreferenced_tail", severity: "warning" } },
];

describe("checkVideos", () => {
  const dir = tempDir("lerobot-ts-videos-");
  const base = path.join(dir, "base");
  beforeAll(() => writeVerifyBase(base, ["front"]), 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("finds nothing in a healthy dataset and returns each file with its episodes by time", async () => {
    const { ctx } = await contextBefore(base, "videos");
    let videos: Awaited<ReturnType<typeof checkVideos>> = [];
    expect(await findingsOf(ctx, async () => { videos = await checkVideos(ctx); })).toEqual([]);
    expect(videos.map((v) => [v.key, ctx.rel(v.file), v.episodes.map((e) => e.episodeIndex), v.probe.frameCount])).toEqual([[KEY, FRONT, [0, 1, 2, 3], 400]]);
    expect(ctx.referenced.has(path.join(base, FRONT))).toBe(true);
  });

  it.for(CASES.map((c) => [c.name, c] as const))("reports %s", async ([, c]) => {
    const root = copyOf(base, dir, c.name);
    await c.apply(root);
    const { ctx } = await contextBefore(root, "videos");
    const found = await findingsOf(ctx, () => checkVideos(ctx));
    expect(found.map((f) => f.check), JSON.stringify(found.map((f) => f.message))).toEqual([c.expect.check, ...(c.then ?? [])]);
    expect(found[0]).toMatchObject({ severity: "error", ...c.expect, file: FRONT });
  });

  it("reports an mp4 at 25 fps, and the episodes whose frames are then off the 30 fps grid", async () => {
    const root = copyOf(base, dir, "25 fps");
    await reencodeVideo(root, FRONT, ["-r", "25"]);
    const { ctx } = await contextBefore(root, "videos");
    const found = await findingsOf(ctx, () => checkVideos(ctx));
    expect(found[0]).toMatchObject({ check: "videos.fps", file: FRONT, column: KEY, message: `${FRONT} runs at 25 fps; the dataset is 30 fps` });
    expect(new Set(found.slice(1).map((f) => f.check))).toEqual(new Set(["videos.frame_count", "videos.from_timestamp", "videos.unreferenced_tail"]));
  });

  it("leaves out gaps and a tail under maxEpisodes, where frames may belong to unchecked episodes", async () => {
    const { ctx } = await contextBefore(base, "videos", { maxEpisodes: 2 });
    let videos: Awaited<ReturnType<typeof checkVideos>> = [];
    expect(await findingsOf(ctx, async () => { videos = await checkVideos(ctx); })).toEqual([]);
    expect(videos[0]!.episodes.map((e) => e.episodeIndex)).toEqual([0, 1]);
  });
});
