/**
 * Appending many short clips in place: the mp4's dead space (free boxes) stays within a few moov
 * sizes instead of growing by one old moov per clip, and the file plays every frame after each append.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendClip, findFfmpeg, probeMp4 } from "../../../src/dataset/video/index.js";
import type { FfmpegInfo } from "../../../src/dataset/video/index.js";
import { topLevelBoxes } from "../../../src/dataset/video/mp4-boxes.js";
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
