/**
 * The layout an in-place mp4 append hands back (video/mp4-layout.ts), which the writer passes to
 * the next append of the file instead of reading the file's boxes and moov again: after every
 * append it must be exactly what reading the file gives, appends that use it must write the same
 * bytes as appends that read the file, and a layout of a file that changed since is not used.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeMp4 } from "../../../src/dataset/video/probe.js";
import { findFfmpeg } from "../../../src/system/ffmpeg.js";
import type { FfmpegInfo } from "../../../src/system/ffmpeg.js";
import { appendMp4InPlace } from "../../../src/dataset/video/mp4-append.js";
import { Mp4LayoutError, readMoov, serialize, topLevelBoxes } from "../../../src/dataset/video/mp4-boxes.js";
import type { Mp4Layout } from "../../../src/dataset/video/mp4-layout.js";
import { readLayout, replaceBox, sameStamp, stampOf, sttsTicks, topBox } from "../../../src/dataset/video/mp4-layout.js";
import { encodeBarcodeClip } from "../../helpers/barcode-clip.js";
import { mp4boxSamples } from "../../helpers/mp4box-samples.js";
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

/** stampOf of a file, through a handle opened for it. */
async function stampOfFile(file: string) {
  const handle = await fs.promises.open(file, "r");
  try {
    return await stampOf(handle);
  } finally {
    await handle.close();
  }
}

describe("stampOf and sameStamp", () => {
  it("match while the file is unchanged, and not once it grew, was touched or was replaced", async () => {
    const file = path.join(dir, "stamp.mp4");
    fs.copyFileSync(templates[0]!.file, file);
    const stamp = await stampOfFile(file);
    expect(stamp.size).toBe(fs.statSync(file).size);
    expect(sameStamp(stamp, await stampOfFile(file))).toBe(true);

    fs.appendFileSync(file, Buffer.alloc(8));
    expect(sameStamp(stamp, await stampOfFile(file))).toBe(false);

    // Same size, another modification time (set, not waited for).
    const grown = await stampOfFile(file);
    fs.utimesSync(file, new Date(2001, 0, 1), new Date(2001, 0, 1));
    expect(sameStamp(grown, await stampOfFile(file))).toBe(false);

    // Another file of the same bytes renamed over it: another inode.
    const touched = await stampOfFile(file);
    const twin = path.join(dir, "stamp-twin.mp4");
    fs.copyFileSync(file, twin);
    fs.utimesSync(twin, new Date(2001, 0, 1), new Date(2001, 0, 1));
    fs.renameSync(twin, file);
    const replaced = await stampOfFile(file);
    expect(replaced.ino).not.toBe(touched.ino);
    expect(sameStamp(touched, replaced)).toBe(false);
  });
});

describe("readLayout", () => {
  it("reads the boxes, the one track and its summed durations as mp4box sees them", async () => {
    const file = templates[1]!.file;
    const handle = await fs.promises.open(file, "r");
    try {
      const stamp = await stampOf(handle);
      const layout = await readLayout(handle, stamp, "the target");
      expect(layout.stamp).toBe(stamp);
      expect(layout.boxes).toEqual(await topLevelBoxes(handle, stamp.size));
      const view = mp4boxSamples(file);
      expect(layout.track.samples).toBe(view.samples.length);
      expect(layout.ticks).toBe(view.samples.reduce((n, s) => n + s.duration, 0));
      expect(layout.ticks).toBe(layout.track.mediaDuration);
    } finally {
      await handle.close();
    }
  });
});

describe("sttsTicks", () => {
  const stts = (...rows: [number, number][]) => {
    const raw = Buffer.alloc(8 + 8 * rows.length);
    raw.writeUInt32BE(rows.length, 4);
    rows.forEach(([count, delta], i) => { raw.writeUInt32BE(count, 8 + 8 * i); raw.writeUInt32BE(delta, 12 + 8 * i); });
    return raw;
  };

  it("sums count x duration over the rows", () => {
    expect(sttsTicks(stts())).toBe(0);
    expect(sttsTicks(stts([10, 512], [1, 300], [3, 1024]))).toBe(10 * 512 + 300 + 3 * 1024);
  });

  it("refuses a table shorter than its count", () => {
    const raw = stts([1, 1]);
    raw.writeUInt32BE(2, 4);
    expect(() => sttsTicks(raw)).toThrow(Mp4LayoutError);
  });
});

describe("replaceBox and topBox", () => {
  it("puts the replacement where the box was, and refuses a box not in the list", () => {
    const boxes = [topBox("ftyp", 0, 32), topBox("free", 32, 100), topBox("moov", 132, 500)];
    const free = boxes[1]!;
    replaceBox(boxes, free, [topBox("mdat", 32, 60), topBox("free", 92, 40)]);
    expect(boxes.map((b) => [b.type, b.offset, b.size])).toEqual([["ftyp", 0, 32], ["mdat", 32, 60], ["free", 92, 40], ["moov", 132, 500]]);
    // Found by identity: an equal copy is not the box in the list.
    expect(() => replaceBox(boxes, { ...boxes[3]! }, [])).toThrow(/box 'moov' at 132 is not in the layout/);
    expect(topBox("moov", 1, 2)).toEqual({ type: "moov", offset: 1, size: 2, headerSize: 8 });
  });
});
