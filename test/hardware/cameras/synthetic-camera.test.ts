/** SyntheticCamera: ffmpeg's moving test pattern, paced by its reader, each frame stamped with its sequence. */
import { describe, expect, it } from "vitest";
import type { CameraFrame } from "../../../src/hardware/cameras/camera.js";
import { readCounter } from "../../../src/hardware/cameras/frame-counter.js";
import { SyntheticCamera } from "../../../src/hardware/cameras/synthetic-camera.js";
import { eventLoopTurns, until } from "../../helpers/wait.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Handles that a leaked ffmpeg would leave behind. */
const childHandles = () => process.getActiveResourcesInfo().filter((r) => r === "ProcessWrap" || r === "PipeWrap").length;


describe("SyntheticCamera (paced by its reader)", () => {
  it("hands out consecutive stamped frames 0..29 at 30 fps, a moving picture, and stops cleanly", async () => {
    await eventLoopTurns();
    const handlesBefore = childHandles();
    const camera = new SyntheticCamera({ name: "front", width: 320, height: 240, fps: 30 });
    await camera.start();
    const pid = camera.pid!;
    expect(isRunning(pid)).toBe(true);
    const frames: CameraFrame[] = [];
    const copies: Uint8Array[] = [];
    for (let k = 0; k < 30; k++) {
      // Frame k, once ffmpeg has delivered it (a busy machine may not have after 33 ms).
      const frame = await until(() => camera.latest()!, (f) => f.sequence === k);
      frames.push(frame);
      expect(readCounter(frame.data, 320, 240, 1)).toEqual([k]);
      copies.push(frame.data.slice());
      // Time for the next frame to land (not a synchronisation: the check below holds whatever
      // happened meanwhile). The caller owns the frame until its next latest(): the prefetch goes
      // into another buffer.
      await sleep(33);
      expect(readCounter(frame.data, 320, 240, 1)).toEqual([k]);
    }
    expect(frames.map((f) => f.sequence)).toEqual(Array.from({ length: 30 }, (_, k) => k));
    // Below the counter band the pattern moves.
    const below = 40 * 320 * 3;
    expect(Buffer.from(copies[0]!.subarray(below)).equals(Buffer.from(copies[15]!.subarray(below)))).toBe(false);
    expect(frames[29]!.receivedAtMs).toBeGreaterThan(frames[0]!.receivedAtMs);
    await camera.stop();
    expect(isRunning(pid)).toBe(false);
    expect(camera.pid === undefined || !isRunning(camera.pid)).toBe(true);
    // A closed process handle leaves the list in the event loop's next close phase.
    await eventLoopTurns();
    expect(childHandles()).toBe(handlesBefore);
  });

  it("gives the same frame again when asked twice in one turn (the next is not read yet)", async () => {
    const camera = new SyntheticCamera({ name: "front", width: 320, height: 240, fps: 30 });
    expect(camera.latest()).toBeUndefined();
    await camera.start();
    const first = camera.latest()!;
    const again = camera.latest()!;
    expect(again).toBe(first);
    expect(again.sequence).toBe(0);
    // Until the reader-paced ffmpeg has delivered the next frame.
    const next = (await until(() => camera.latest()!, (frame) => frame.sequence !== 0));
    expect(next.sequence).toBe(1);
    expect(readCounter(next.data, 320, 240, 1)).toEqual([1]);
    await camera.stop();
  });
});

describe("SyntheticCamera: lifecycle", () => {
  it("has the configured name, size and rate, and an ffmpeg process only between start() and stop()", async () => {
    const camera = new SyntheticCamera({ name: "top", width: 96, height: 64, fps: 15 });
    expect([camera.name, camera.width, camera.height, camera.fps]).toEqual(["top", 96, 64, 15]);
    expect(camera.pid).toBeUndefined();
    await camera.start();
    const pid = camera.pid!;
    expect(isRunning(pid)).toBe(true);
    expect(camera.latest()!.data).toHaveLength(96 * 64 * 3);
    await expect(camera.start()).rejects.toThrow("camera 'top' was already started");
    await camera.stop();
    await camera.stop();
    expect(isRunning(pid)).toBe(false);
  });

  it("reports its ffmpeg dying through onError, naming the camera", async () => {
    const camera = new SyntheticCamera({ name: "side", width: 96, height: 64, fps: 15 });
    const errors: Error[] = [];
    const reported = new Promise<void>((resolve) => camera.onError((error) => { errors.push(error); resolve(); }));
    await camera.start();
    process.kill(camera.pid!, "SIGKILL");
    await reported;
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^camera 'side' \(lavfi testsrc2=size=96x64:rate=15\) stopped delivering frames/);
    await camera.stop();
  });
});
