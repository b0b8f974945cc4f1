// Child of writer-crash-points.test.ts: resumes the dataset at `root`, saves one episode (new
// files after resume), then `saves` more while crash-at-op.mjs counts (and kills at) the file
// operations of those saves. Frames come from `framesFile` (RGB, `frames` per episode, in order).
import fs from "node:fs";
import { DatasetWriter } from "../../dist/index.js";

const [root, framesFile, savesArg, widthArg, heightArg, framesArg] = process.argv.slice(2);
const [saves, width, height, frames] = [savesArg, widthArg, heightArg, framesArg].map(Number);
const pixels = fs.readFileSync(framesFile);
const frameBytes = width * height * 3;
const joints = (e, k, f) => Array.from({ length: 6 }, (_, j) => f(e, k, j));
const stateValue = (e, k, j) => e * 1000 + k + j / 8;
const actionValue = (e, k, j) => -(e * 1000 + k) - j / 4;

const writer = await DatasetWriter.resume(root);
const first = writer.episodeIndex;
for (let s = 0; s <= saves; s++) {
  const e = writer.episodeIndex;
  for (let k = 0; k < frames; k++) {
    const at = ((e - first) * frames + k) * frameBytes;
    await writer.addFrame({
      task: e % 2 ? "odd task" : "even task",
      action: joints(e, k, actionValue), "observation.state": joints(e, k, stateValue),
      "observation.images.front": new Uint8Array(pixels.buffer, pixels.byteOffset + at, frameBytes),
    });
  }
  globalThis.__countFsOps = s > 0;
  await writer.saveEpisode();
  globalThis.__countFsOps = false;
}
await writer.finalize();
