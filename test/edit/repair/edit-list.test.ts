/**
 * planEditLists (videos.edit_list): an mp4 whose edit list ends before its last frames, so ffmpeg
 * never shows them, gets the edit lengthened in place in its moov box: same size, the media bytes
 * untouched, every frame at its old timestamp, the hidden frames decodable again (read with real
 * ffmpeg). A file it cannot read or edit is refused; a healthy dataset gets no step.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../../../src/dataset/reader.js";
import { probeMp4 } from "../../../src/dataset/video/index.js";
import { planEditLists } from "../../../src/edit/repair/edit-list.js";
import { readBarcode } from "../../helpers/barcode.js";
import { shortenEditList } from "../../helpers/corrupt.js";
import { errorChecks, planInputFor } from "../../helpers/repair-plan-input.js";
import { caseCopies } from "../../helpers/case-copies.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";

const LENGTHS = [8, 7];
const W = 96;
const H = 64;
const FRONT = "videos/observation.images.front/chunk-000/file-000.mp4";

/** The byte offset where the file's first moov box starts and its size. */
function moovOf(bytes: Buffer): { at: number; size: number } {
  let at = 0;
  while (bytes.toString("latin1", at + 4, at + 8) !== "moov") at += bytes.readUInt32BE(at);
  return { at, size: bytes.readUInt32BE(at) };
}

describe("planEditLists", () => {
  const dir = tempDir("lerobot-ts-repair-elst-");
  const base = path.join(dir, "base");
  const copy = caseCopies(base, dir);
  /** A copy of the dataset whose front video hides its last frames. */
  const shortened = () => {
    const root = copy();
    shortenEditList(path.join(root, FRONT));
    return root;
  };
  beforeAll(async () => {
    await (await writeSynthetic({ root: base, episodes: LENGTHS, cameras: ["front"], width: W, height: H, vcodec: "h264" })).finalize();
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("plans lengthening the edit to cover the frames it hides", async () => {
    const root = shortened();
    const hidden = (await probeMp4(path.join(root, FRONT))).framesOutsideEdit;
    expect(hidden).toBeGreaterThan(0);
    const input = await planInputFor(root);
    const plan = await planEditLists(input);
    expect(plan.refused).toEqual([]);
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({ check: "videos.edit_list", file: FRONT, settles: ["videos.edit_list"] });
    const what = /^lengthened the edit list from (\d+\.\d{6}) s to (\d+\.\d{6}) s so its last (\d+) frame\(s\) show \(moov edited in place; no frame moved or re-encoded\)$/.exec(plan.steps[0]!.what);
    expect(what, plan.steps[0]!.what).not.toBeNull();
    expect(Number(what![2]) - Number(what![1])).toBeGreaterThan(0);
    expect(Number(what![3])).toBe(hidden);
    expect(input.progressed.at(-1)).toEqual({ phase: "videos", done: 1, total: 1 });
  });

  it("applied, shows every frame at its old time, changing only the moov box", async () => {
    const root = shortened();
    const file = path.join(root, FRONT);
    const before = fs.readFileSync(file);
    const probed = await probeMp4(file);
    const plan = await planEditLists(await planInputFor(root));
    await plan.steps[0]!.apply();

    const after = fs.readFileSync(file);
    expect(after.length).toBe(before.length);
    const moov = moovOf(before);
    expect(moovOf(after)).toEqual(moov);
    expect(after.subarray(0, moov.at).equals(before.subarray(0, moov.at))).toBe(true);
    expect(after.subarray(moov.at + moov.size).equals(before.subarray(moov.at + moov.size))).toBe(true);
    const repaired = await probeMp4(file);
    expect(repaired.framesOutsideEdit).toBe(0);
    expect(Array.from(repaired.timestampsS)).toEqual(Array.from(probed.timestampsS));
    // The last episode's last frame, which ffmpeg could not show, decodes to its barcode.
    const ds = await openDataset(root);
    const last = await ds.decodeFrame("observation.images.front", 1, LENGTHS[1]! - 1);
    expect(readBarcode(last.data, W, H, 3)).toEqual([1, LENGTHS[1]! - 1, 0]);
    expect(await errorChecks(root)).toEqual([]);
  });

  it("refuses, changing nothing, a file whose edit already covers the media (planned from stale findings)", async () => {
    const root = shortened();
    const input = await planInputFor(root);
    await (await planEditLists(input)).steps[0]!.apply();
    const repaired = fs.readFileSync(path.join(root, FRONT));
    const again = await planEditLists(input);
    expect(again.steps).toEqual([]);
    expect(again.refused).toEqual([{
      check: "videos.edit_list", file: FRONT,
      why: "its layout is not one repair edits (the edit already lasts as long as the media); remux it with ffmpeg -c copy and check the episodes' timestamps",
    }]);
    expect(fs.readFileSync(path.join(root, FRONT)).equals(repaired)).toBe(true);
  });

  it("refuses a file it cannot read", async () => {
    const root = shortened();
    const input = await planInputFor(root);
    fs.rmSync(path.join(root, FRONT));
    const plan = await planEditLists(input);
    expect(plan.steps).toEqual([]);
    expect(plan.refused).toEqual([{ check: "videos.edit_list", file: FRONT, why: expect.stringMatching(/^it cannot be read: video file .* does not exist$/) }]);
  });

  it("plans nothing for a healthy dataset", async () => {
    expect(await planEditLists(await planInputFor(base))).toEqual({ steps: [], refused: [] });
  });
});
