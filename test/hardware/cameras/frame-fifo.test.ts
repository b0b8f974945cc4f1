/**
 * How frames come from ffmpeg: through a named pipe read straight into the frame buffers (the
 * default where named pipes exist), or through ffmpeg's stdout. Both must hand out the same
 * frames, in order, and leave nothing behind.
 */
import fs from "node:fs";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { FfmpegCamera } from "../../../src/hardware/cameras/ffmpeg-camera.js";

const W = 160;
const H = 120;
const FRAMES = 40;
const cameraFolders = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith("lerobot-ts-camera-")).sort();

/** The first FRAMES frames of ffmpeg's deterministic test pattern, through one transport. */
async function firstFrames(frameTransport: "fifo" | "stdout"): Promise<{ frames: Uint8Array[]; pipesWhileRunning: number }> {
  const pattern = `testsrc2=size=${W}x${H}:rate=30`;
  const camera = new FfmpegCamera({ name: "front", width: W, height: H, fps: 30, inputArgs: ["-f", "lavfi", "-i", pattern], source: pattern, readerPaced: true, frameTransport });
  const before = cameraFolders().length;
  await camera.start();
  const pipesWhileRunning = cameraFolders().length - before;
  const frames: Uint8Array[] = [];
  let last = -1;
  while (frames.length < FRAMES) {
    const frame = camera.latest();
    if (frame && frame.sequence !== last) {
      expect(frame.sequence).toBe(last + 1);
      last = frame.sequence;
      frames.push(frame.data.slice());
    } else {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await camera.stop();
  return { frames, pipesWhileRunning };
}

describe("camera frame transport", () => {
  it.runIf(process.platform !== "win32")("the named pipe and stdout hand out byte-identical frames in order, and the pipe is removed on stop", async () => {
    const before = cameraFolders();
    const { frames: viaFifo, pipesWhileRunning } = await firstFrames("fifo");
    expect(pipesWhileRunning).toBe(1);
    expect(cameraFolders()).toEqual(before);
    const { frames: viaStdout, pipesWhileRunning: none } = await firstFrames("stdout");
    expect(none).toBe(0);
    expect(viaFifo).toHaveLength(FRAMES);
    for (let k = 0; k < FRAMES; k++) expect(Buffer.from(viaFifo[k]!).equals(Buffer.from(viaStdout[k]!)), `frame ${k}`).toBe(true);
    // The pattern moves: identical frames would make the comparison meaningless.
    expect(Buffer.from(viaFifo[0]!).equals(Buffer.from(viaFifo[20]!))).toBe(false);
  });
});
