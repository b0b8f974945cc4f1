// Child process for the SIGKILL test: saves `saved` episodes, then records another one forever,
// printing READY once it is well into it. Uses the built library (npm test builds first).
import { DatasetWriter } from "../../dist/index.js";

const [root, savedArg] = process.argv.slice(2);
const saved = Number(savedArg);
const W = 96;
const H = 64;
const joints = (e, k) => Array.from({ length: 6 }, (_, j) => e * 1000 + k + j / 8);
const image = (e, k) => new Uint8Array(W * H * 3).fill((e * 37 + k * 5) % 256);

const writer = await DatasetWriter.create({
  root, repoId: "test/killed", fps: 30, robotType: "so101_follower",
  features: {
    action: { dtype: "float32", shape: [6] },
    "observation.state": { dtype: "float32", shape: [6] },
    "observation.images.front": { dtype: "video", shape: [H, W, 3] },
  },
});
const frame = (e, k) => ({ task: "survive", action: joints(e, k), "observation.state": joints(e, k), "observation.images.front": image(e, k) });
for (let e = 0; e < saved; e++) {
  for (let k = 0; k < 10 + e; k++) await writer.addFrame(frame(e, k));
  await writer.saveEpisode();
}
for (let k = 0; ; k++) {
  await writer.addFrame(frame(saved, k));
  if (k === 20) process.stdout.write("READY\n");
  await new Promise((r) => setTimeout(r, 2));
}
