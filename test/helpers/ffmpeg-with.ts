/** The ffmpeg a test needs for one encoder, or undefined (with a warning saying why) where this machine has none. */
import { findFfmpeg } from "../../src/system/ffmpeg.js";
import type { FfmpegInfo } from "../../src/system/ffmpeg.js";

/** Looks for an ffmpeg with this encoder; warns why the dependent tests are skipped when there is none. */
export async function ffmpegWith(encoder: string): Promise<FfmpegInfo | undefined> {
  try {
    const info = await findFfmpeg({ requireEncoder: encoder });
    if (info.encoders.has(encoder)) return info;
    console.warn(`skipping ${encoder} tests: ffmpeg at ${info.path} has no ${encoder} encoder`);
  } catch (err) {
    console.warn(`skipping ${encoder} tests: ${(err as Error).message}`);
  }
  return undefined;
}
