/** FfmpegCamera, free-running: only the newest frame is kept, a dead ffmpeg is reported once, and start() fails clearly. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CameraError } from "../../../src/hardware/cameras/camera.js";
import { FfmpegCamera } from "../../../src/hardware/cameras/ffmpeg-camera.js";
import { openCamera } from "../../../src/hardware/cameras/open-camera.js";
import { tempDir } from "../../helpers/synthetic.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("FfmpegCamera (free-running)", () => {
  const standIn = (name: string) =>
    new FfmpegCamera({ name, width: 320, height: 240, fps: 30, source: "lavfi testsrc2", inputArgs: ["-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30"] });

  it("keeps only the newest frame: sequences jump with time, older frames are dropped", async () => {
    const camera = standIn("stand-in");
    await camera.start();
    await sleep(300);
    const a = camera.latest()!;
    expect(camera.latest()).toBe(a);
    await sleep(300);
    const b = camera.latest()!;
    // ~9 frames arrive in 300 ms at 30 fps; only the last is handed out.
    expect(b.sequence - a.sequence).toBeGreaterThanOrEqual(5);
    expect(b.receivedAtMs).toBeGreaterThan(a.receivedAtMs);
    expect(b.data).toHaveLength(320 * 240 * 3);
    await camera.stop();
  });

  it("reports a dead ffmpeg once via onError, naming the camera", async () => {
    const camera = standIn("wrist");
    const errors: Error[] = [];
    const reported = new Promise<void>((resolve) => camera.onError((error) => { errors.push(error); resolve(); }));
    await camera.start();
    process.kill(camera.pid!, "SIGKILL");
    await reported;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CameraError);
    expect(errors[0]!.message).toMatch(/^camera 'wrist' \(lavfi testsrc2\) stopped delivering frames: ffmpeg was killed \(SIGKILL\)/);
    await camera.stop();
    expect(errors).toHaveLength(1);
  });

  it("rejects start() at once with ffmpeg's error and the usual hints when the device does not exist", async () => {
    const camera = openCamera("front", { type: "v4l2", index_or_path: "/dev/video99", width: 640, height: 480, fps: 30 });
    const t0 = performance.now();
    const error = await camera.start().then(() => undefined, (e: unknown) => e as Error);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(error).toBeInstanceOf(CameraError);
    expect(error!.message).toMatch(/^camera 'front' \(\/dev\/video99\) could not start: ffmpeg exited with code \d+: .*No such file or directory/);
    expect(error!.message).toMatch(/not used by another program; USB bandwidth: .*lsusb -t.*input_format mjpeg/);
    await camera.stop();
  });

  it("rejects start() after the timeout when no frame comes (a device that hangs)", async () => {
    const dir = tempDir();
    const fifo = path.join(dir, "hang");
    execFileSync("mkfifo", [fifo]);
    const camera = new FfmpegCamera({ name: "front", width: 320, height: 240, fps: 30, source: "/dev/video0", firstFrameTimeoutMs: 300,
      inputArgs: ["-f", "rawvideo", "-pix_fmt", "rgb24", "-video_size", "320x240", "-i", fifo] });
    await expect(camera.start()).rejects.toThrow(
      "camera 'front' (/dev/video0) delivered no frame in 0.3 s: check it is not used by another program; USB bandwidth: put cameras on different USB buses (lsusb -t), lower fps or resolution, or use input_format mjpeg",
    );
    expect(camera.pid === undefined || !isRunning(camera.pid)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
