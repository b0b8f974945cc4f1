/** Re-encode one mp4 of a dataset in place with extra ffmpeg arguments (another rate, fewer or padded frames). */
import fs from "node:fs";
import path from "node:path";
import { findFfmpeg, runFfmpeg } from "../../src/system/ffmpeg.js";

export async function reencodeVideo(root: string, rel: string, args: string[]): Promise<void> {
  const ffmpeg = await findFfmpeg();
  const file = path.join(root, rel);
  const out = `${file}.tmp.mp4`;
  const result = await runFfmpeg(ffmpeg, ["-v", "error", "-y", "-i", file, ...args, "-c:v", "libx264", "-g", "2", "-pix_fmt", "yuv420p", out]);
  if (result.code !== 0) throw new Error(`ffmpeg failed: ${result.stderrTail}`);
  fs.renameSync(out, file);
}
