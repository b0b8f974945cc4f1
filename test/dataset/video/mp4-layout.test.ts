/**
 * The layout an in-place mp4 append hands back (video/mp4-layout.ts), which the writer passes to
 * the next append of the file instead of reading the file's boxes and moov again: after every
 * append it must be exactly what reading the file gives, appends that use it must write the same
 * bytes as appends that read the file, and a layout of a file that changed since is not used.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFfmpeg, probeMp4 } from "../../../src/dataset/video/index.js";
import type { FfmpegInfo } from "../../../src/dataset/video/index.js";
import { appendMp4InPlace } from "../../../src/dataset/video/mp4-append.js";
import { readMoov, serialize, topLevelBoxes } from "../../../src/dataset/video/mp4-boxes.js";
import type { Mp4Layout } from "../../../src/dataset/video/mp4-layout.js";
import { encodeBarcodeClip } from "../../helpers/barcode-clip.js";
import { tempDir } from "../../helpers/synthetic.js";

const W = 96;
const H = 64;
let dir: string;
let ffmpeg: FfmpegInfo;
let templates: { file: string; frames: number }[];
beforeAll(async () => {
  dir = tempDir();
  ffmpeg = await findFfmpeg();
  // Short, long and middling clips: their media fills holes left by old moov zones in every way.
  templates = [];
  for (const [i, frames] of [6, 40, 15].entries()) templates.push({ file: await encode(`template-${i}.mp4`, frames, i), frames });
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const encode = (name: string, frames: number, seed: number) => encodeBarcodeClip(ffmpeg, dir, name, W, H, frames, seed);

function clipCopy(i: number): string {
  const copy = path.join(dir, `clip-${i}-${Math.random().toString(36).slice(2)}.mp4`);
  fs.copyFileSync(templates[i % templates.length]!.file, copy);
  return copy;
}

/** The file's boxes and moov bytes, read from it. */
async function onDisk(file: string): Promise<{ boxes: Awaited<ReturnType<typeof topLevelBoxes>>; moov: Buffer }> {
  const handle = await fs.promises.open(file, "r");
  try {
    const boxes = await topLevelBoxes(handle, (await handle.stat()).size);
    return { boxes, moov: serialize((await readMoov(handle, boxes, file)).moov) };
  } finally {
    await handle.close();
  }
}

describe("the layout an in-place mp4 append returns", () => {
  it("is the file's layout after every append, and appends using it write what appends reading the file write", { timeout: 120_000 }, async () => {
    const withLayout = path.join(dir, "with-layout.mp4");
    const reading = path.join(dir, "reading.mp4");
    fs.copyFileSync(templates[0]!.file, withLayout);
    fs.copyFileSync(templates[0]!.file, reading);
    let layout: Mp4Layout | undefined;
    let frames = templates[0]!.frames;
    const moovMoves = new Set<string>();
    let moovAt = -1;
    for (let i = 1; i <= 60; i++) {
      const done = await appendMp4InPlace(withLayout, clipCopy(i), layout);
      const fromFile = await appendMp4InPlace(reading, clipCopy(i));
      frames += templates[i % templates.length]!.frames;
      layout = done.layout;
      expect(done.before, `clip ${i}`).toEqual(fromFile.before);
      const disk = await onDisk(withLayout);
      expect(layout.boxes, `boxes after clip ${i}`).toEqual(disk.boxes);
      expect(serialize(layout.track.moov).equals(disk.moov), `moov after clip ${i}`).toBe(true);
      expect(layout.track.samples).toBe(frames);
      expect(fs.readFileSync(withLayout).equals(fs.readFileSync(reading)), `bytes after clip ${i}`).toBe(true);
      const at = disk.boxes.find((b) => b.type === "moov")!.offset;
      if (moovAt >= 0) moovMoves.add(at > moovAt ? "later" : "earlier");
      moovAt = at;
    }
    // The moov went to each place an append can put it (zone end or a new zone: later; zone start: earlier).
    expect([...moovMoves].sort()).toEqual(["earlier", "later"]);
    const info = await probeMp4(withLayout);
    expect(info.frameCount).toBe(frames);
    expect(info.framesOutsideEdit).toBe(0);
  });

  it("is not used once the file changed under it (another append, an undo)", { timeout: 60_000 }, async () => {
    const file = path.join(dir, "changed.mp4");
    const twin = path.join(dir, "changed-twin.mp4");
    fs.copyFileSync(templates[1]!.file, file);
    fs.copyFileSync(templates[1]!.file, twin);
    const first = await appendMp4InPlace(file, clipCopy(0));
    await appendMp4InPlace(twin, clipCopy(0));
    // Appended without the layout: the one kept from the first append is stale.
    const stale = structuredClone(first.layout);
    await appendMp4InPlace(file, clipCopy(2));
    await appendMp4InPlace(twin, clipCopy(2));
    const third = await appendMp4InPlace(file, clipCopy(1), stale);
    await appendMp4InPlace(twin, clipCopy(1));
    expect(fs.readFileSync(file).equals(fs.readFileSync(twin))).toBe(true);
    expect(third.layout.boxes).toEqual((await onDisk(file)).boxes);
    // Undone: the file is what it was before the third append, and the third's layout is stale.
    await third.undo();
    const fourth = await appendMp4InPlace(file, clipCopy(0), third.layout);
    expect(fourth.layout.boxes).toEqual((await onDisk(file)).boxes);
    expect((await probeMp4(file)).frameCount).toBe(40 + 6 + 15 + 6);
  });
});
