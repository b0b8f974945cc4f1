/**
 * How frames come from ffmpeg: through a named pipe read straight into the frame buffers (the
 * default where named pipes exist), or through ffmpeg's stdout. Both must hand out the same
 * frames, in order, and leave nothing behind.
 */
import fs from "node:fs";
import os from "node:os";
import { describe, expect, it } from "vitest";
import path from "node:path";
import { FfmpegCamera } from "../../../src/hardware/cameras/ffmpeg-camera.js";
import { makeFrameFifo } from "../../../src/hardware/cameras/frame-fifo.js";
import type { FrameFifo } from "../../../src/hardware/cameras/frame-fifo.js";
import { eventLoopTurns, until } from "../../helpers/wait.js";

const W = 160;
const H = 120;
const FRAMES = 40;
/** A camera name no other test or process uses: its FIFO is `<name>.rgb` in a lerobot-ts-camera-* folder. */
const CAMERA = `transport-${process.pid}`;
/** The camera folders in the temp folder holding this test's FIFO (other processes make and remove their own meanwhile). */
const cameraFolders = () => fs.readdirSync(os.tmpdir())
  .filter((name) => name.startsWith("lerobot-ts-camera-"))
  .filter((name) => {
    try {
      return fs.readdirSync(path.join(os.tmpdir(), name)).includes(`${CAMERA}.rgb`);
    } catch {
      return false; // removed meanwhile
    }
  })
  .sort();

/** The first FRAMES frames of ffmpeg's deterministic test pattern, through one transport. */
async function firstFrames(frameTransport: "fifo" | "stdout"): Promise<{ frames: Uint8Array[]; pipesWhileRunning: number }> {
  const pattern = `testsrc2=size=${W}x${H}:rate=30`;
  const camera = new FfmpegCamera({ name: CAMERA, width: W, height: H, fps: 30, inputArgs: ["-f", "lavfi", "-i", pattern], source: pattern, readerPaced: true, frameTransport });
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

/** A reader filling `frames` buffers of `size` bytes in turn; `pauseAfterFrame` makes onBytes return false at a frame's end. */
function frameReader(fifo: FrameFifo, size: number, frames: number, pauseAfterFrame = false) {
  const buffers = Array.from({ length: frames }, () => new Uint8Array(size));
  // Once every frame is filled, libuv still asks where the next bytes would go.
  const spare = new Uint8Array(size);
  let filled = 0;
  fifo.read(
    () => (buffers[Math.floor(filled / size)] ?? spare).subarray(filled % size),
    (n) => {
      filled += n;
      return !(pauseAfterFrame && filled % size === 0);
    },
  );
  return { buffers, filled: () => filled };
}

/** Write `bytes` into the FIFO as ffmpeg would, from its own file descriptor. */
function writeAsFfmpeg(fifo: FrameFifo, bytes: number[]): void {
  const fd = fs.openSync(fifo.path, fs.constants.O_WRONLY);
  try {
    fs.writeSync(fd, Uint8Array.from(bytes));
  } finally {
    fs.closeSync(fd);
  }
}

describe.runIf(process.platform !== "win32")("makeFrameFifo", () => {
  it("makes a named pipe only its owner may use, in a fresh folder, under a file-safe name", () => {
    const fifo = makeFrameFifo("front/left cam")!;
    try {
      const stat = fs.statSync(fifo.path);
      expect(stat.isFIFO()).toBe(true);
      expect(stat.mode & 0o777).toBe(0o600);
      expect(path.basename(fifo.path)).toBe("front_left_cam.rgb");
      expect(path.basename(path.dirname(fifo.path))).toMatch(/^lerobot-ts-camera-/);
    } finally {
      fifo.close();
    }
  });

  it("reads the bytes written to it straight into the buffers the reader hands it, in order", async () => {
    const fifo = makeFrameFifo("front")!;
    try {
      const reader = frameReader(fifo, 8, 2);
      const bytes = Array.from({ length: 16 }, (_, i) => i * 17);
      writeAsFfmpeg(fifo, bytes);
      await until(reader.filled, (n) => n === 16);
      expect(reader.buffers.flatMap((b) => Array.from(b))).toEqual(bytes);
    } finally {
      fifo.close();
    }
  });

  it("stops reading when onBytes returns false, until resume()", async () => {
    const fifo = makeFrameFifo("front")!;
    try {
      const reader = frameReader(fifo, 4, 2, true);
      writeAsFfmpeg(fifo, [1, 2, 3, 4, 5, 6, 7, 8]);
      await until(reader.filled, (n) => n >= 4);
      // Unpaused, the second frame (already in the pipe) would be read within these turns.
      await eventLoopTurns(10);
      expect(reader.filled()).toBe(4);
      fifo.resume();
      await until(reader.filled, (n) => n === 8);
      expect(reader.buffers.map((b) => Array.from(b))).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    } finally {
      fifo.close();
    }
  });

  it("keeps reading across writers: one closing the pipe is no end of file for the reader", async () => {
    const fifo = makeFrameFifo("front")!;
    try {
      const reader = frameReader(fifo, 6, 1);
      writeAsFfmpeg(fifo, [1, 2, 3]);
      await until(reader.filled, (n) => n === 3);
      writeAsFfmpeg(fifo, [4, 5, 6]);
      await until(reader.filled, (n) => n === 6);
      expect(Array.from(reader.buffers[0]!)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      fifo.close();
    }
  });

  it("removes the pipe and its folder on close(), whether it was read or not", () => {
    for (const read of [false, true]) {
      const fifo = makeFrameFifo("front")!;
      if (read) frameReader(fifo, 4, 1);
      fifo.close();
      expect(fs.existsSync(path.dirname(fifo.path))).toBe(false);
    }
  });
});
