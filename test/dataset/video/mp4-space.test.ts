/**
 * Appending many short clips in place: the mp4's dead space (free boxes) stays within a few moov
 * sizes instead of growing by one old moov per clip, and the file plays every frame after each append.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendClip } from "../../../src/dataset/video/append.js";
import { probeMp4 } from "../../../src/dataset/video/probe.js";
import { findFfmpeg } from "../../../src/system/ffmpeg.js";
import type { FfmpegInfo } from "../../../src/system/ffmpeg.js";
import type { TopBox } from "../../../src/dataset/video/mp4-boxes.js";
import { topLevelBoxes } from "../../../src/dataset/video/mp4-boxes.js";
import { topBox } from "../../../src/dataset/video/mp4-layout.js";
import { boxHeader, deadBytes, fits, mergeFreeBoxes, placeMoov, withinPage, zoneOf } from "../../../src/dataset/video/mp4-space.js";
import { encodeBarcodeClip } from "../../helpers/barcode-clip.js";
import { tempDir } from "../../helpers/synthetic.js";

const W = 96;
const H = 64;
let dir: string;
let ffmpeg: FfmpegInfo;
beforeAll(async () => { dir = tempDir(); ffmpeg = await findFfmpeg(); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const clip = (name: string, frames: number, seed: number) => encodeBarcodeClip(ffmpeg, dir, name, W, H, frames, seed);

async function layout(file: string): Promise<{ size: number; dead: number; moov: number }> {
  const handle = await fs.promises.open(file, "r");
  try {
    const size = (await handle.stat()).size;
    const boxes = await topLevelBoxes(handle, size);
    expect(boxes.filter((b) => b.type === "moov")).toHaveLength(1);
    return { size, dead: boxes.filter((b) => b.type === "free").reduce((n, b) => n + b.size, 0), moov: boxes.find((b) => b.type === "moov")!.size };
  } finally {
    await handle.close();
  }
}

describe("in-place mp4 appends", () => {
  it("keep dead space within a few moovs over 120 clips, short and long", { timeout: 120_000 }, async () => {
    const templates = [await clip("short.mp4", 6, 1), await clip("long.mp4", 40, 2), await clip("mid.mp4", 15, 3)];
    const lengths = [6, 40, 15];
    const target = path.join(dir, "file.mp4");
    fs.copyFileSync(templates[0]!, target);
    let frames = 6;
    let worst = 0;
    for (let i = 1; i <= 120; i++) {
      const t = i % 3;
      const copy = path.join(dir, `clip-${i}.mp4`);
      fs.copyFileSync(templates[t]!, copy);
      await appendClip({ ffmpeg, target, clip: copy });
      frames += lengths[t]!;
      const { dead, moov, size } = await layout(target);
      // The zone's free space (its reserve: up to 1.5 moov), right after the moov moved to a new
      // zone the old one (up to 2.5 older moovs) until clips fill it, and leftovers smaller than a
      // frame. Appending by "old moov becomes free" alone would leave ~i/2 moovs dead here.
      expect(dead, `after clip ${i}`).toBeLessThanOrEqual(4.5 * moov + 16 * 1024);
      worst = Math.max(worst, dead / size);
      if (i % 20 === 0) expect((await probeMp4(target)).frameCount).toBe(frames);
    }
    const { dead, moov, size } = await layout(target);
    console.log(`mp4-dead-space: ${frames} frames, ${size} bytes, moov ${moov}, dead ${dead} (${((100 * dead) / size).toFixed(2)} %, worst ${(100 * worst).toFixed(2)} %)`);
  });
});

describe("withinPage", () => {
  it("is true only for writes that do not cross a 4 KiB boundary", () => {
    expect(withinPage(0, 8)).toBe(true);
    expect(withinPage(4088, 8)).toBe(true);
    expect(withinPage(4089, 8)).toBe(false);
    expect(withinPage(4095, 4)).toBe(false);
    expect(withinPage(4096, 8)).toBe(true);
    expect(withinPage(3 * 4096 - 4, 4)).toBe(true);
  });
});

describe("fits", () => {
  it("takes a box that fills the free space exactly or leaves room for another box's header", () => {
    expect(fits(100, 100)).toBe(true);
    expect(fits(100, 108)).toBe(true);
    expect(fits(100, 500)).toBe(true);
    // 1 to 7 bytes left over could not be a box: the file would not parse.
    for (let rest = 1; rest < 8; rest++) expect(fits(100, 100 + rest), `rest ${rest}`).toBe(false);
    expect(fits(100, 99)).toBe(false);
  });
});

describe("boxHeader", () => {
  it("is the 8-byte size and type of a box", () => {
    expect(boxHeader(0x01020304, "free").equals(Buffer.from([1, 2, 3, 4, ...Buffer.from("free")]))).toBe(true);
  });
});

/** A file of top-level boxes (type, size); the bytes of each are its header and zeros. */
function boxFile(name: string, spec: [string, number][]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.concat(spec.map(([type, size]) => Buffer.concat([boxHeader(size, type), Buffer.alloc(size - 8)]))));
  return file;
}

async function merged(file: string): Promise<{ result: TopBox[]; reread: TopBox[] }> {
  const handle = await fs.promises.open(file, "r+");
  try {
    const size = (await handle.stat()).size;
    const result = await mergeFreeBoxes(handle, await topLevelBoxes(handle, size));
    return { result, reread: await topLevelBoxes(handle, size) };
  } finally {
    await handle.close();
  }
}

describe("mergeFreeBoxes", () => {
  it("joins runs of adjacent free boxes in the file, and returns the boxes the file then has", async () => {
    const file = boxFile("merge.mp4", [["ftyp", 32], ["free", 100], ["free", 200], ["free", 50], ["mdat", 400], ["free", 60], ["moov", 300], ["free", 40], ["free", 40]]);
    const { result, reread } = await merged(file);
    expect(result.map((b) => [b.type, b.offset, b.size])).toEqual([
      ["ftyp", 0, 32], ["free", 32, 350], ["mdat", 382, 400], ["free", 782, 60], ["moov", 842, 300], ["free", 1142, 80],
    ]);
    expect(reread).toEqual(result);
  });

  it("does not change the boxes it is given", async () => {
    const file = boxFile("merge-input.mp4", [["ftyp", 32], ["free", 100], ["free", 100]]);
    const handle = await fs.promises.open(file, "r+");
    try {
      const boxes = await topLevelBoxes(handle, (await handle.stat()).size);
      const copy = structuredClone(boxes);
      await mergeFreeBoxes(handle, boxes);
      expect(boxes).toEqual(copy);
    } finally {
      await handle.close();
    }
  });

  it("leaves a free box whose size field would be written across a page boundary", async () => {
    // The first free box's size field at 4094..4097 straddles a page: the merge is not crash safe there.
    const file = boxFile("merge-page.mp4", [["ftyp", 4094], ["free", 100], ["free", 100]]);
    const { result, reread } = await merged(file);
    expect(result.map((b) => b.type)).toEqual(["ftyp", "free", "free"]);
    expect(reread).toEqual(result);
  });
});

describe("zoneOf", () => {
  it("is the live moov with the free boxes right before and after it", () => {
    const boxes = [topBox("ftyp", 0, 32), topBox("free", 32, 100), topBox("moov", 132, 500), topBox("free", 632, 300), topBox("mdat", 932, 1000)];
    const zone = zoneOf(boxes);
    expect(zone).toEqual({ live: boxes[2], before: boxes[1], after: boxes[3], start: 32, end: 932 });
  });

  it("is the moov alone when its neighbours are not free boxes", () => {
    const boxes = [topBox("mdat", 0, 100), topBox("moov", 100, 50), topBox("mdat", 150, 10)];
    expect(zoneOf(boxes)).toEqual({ live: boxes[1], before: undefined, after: undefined, start: 100, end: 150 });
  });
});

describe("placeMoov", () => {
  const zone = (before: number, moov: number, after: number) => {
    const boxes = [topBox("free", 1000, before), topBox("moov", 1000 + before, moov), topBox("free", 1000 + before + moov, after)];
    return zoneOf(boxes.filter((b) => b.size > 0));
  };

  it("puts the moov at the end of the free box after the live one when it fits with a header to spare", () => {
    const z = zone(0, 500, 700);
    expect(placeMoov(z, 600, 50_000)).toEqual({ kind: "zone-end", free: z.after, at: 1500 + 700 - 600 });
    // 696 bytes: the shrunk free box would be 4 bytes, too small for its header.
    expect(placeMoov(z, 696, 50_000).kind).not.toBe("zone-end");
  });

  it("otherwise at the start of the free box before the live one, when it fits", () => {
    const z = zone(600, 500, 100);
    expect(placeMoov(z, 600, 50_000)).toEqual({ kind: "zone-start", free: z.before, at: 1000 });
    expect(placeMoov(z, 590, 50_000)).toEqual({ kind: "zone-start", free: z.before, at: 1000 });
    expect(placeMoov(z, 595, 50_000).kind).toBe("new-zone");
  });

  it("otherwise in a new zone at the end of the file, with room to grow", () => {
    expect(placeMoov(zone(0, 500, 0), 600, 50_000)).toEqual({ kind: "new-zone", at: 50_000, reserve: 600 + 4096 });
    expect(placeMoov(zone(0, 500, 0), 20_000, 50_000)).toEqual({ kind: "new-zone", at: 50_000, reserve: 20_000 + 10_000 });
  });
});

describe("deadBytes", () => {
  it("counts the bytes of free and skip boxes", () => {
    expect(deadBytes([topBox("ftyp", 0, 32), topBox("free", 32, 100), topBox("mdat", 132, 900), topBox("skip", 1032, 50), topBox("moov", 1082, 70)])).toBe(150);
    expect(deadBytes([])).toBe(0);
  });
});
