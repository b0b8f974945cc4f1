/** Cameras: the frame counter, the synthetic (reader-paced) and ffmpeg (free-running) cameras, configs (the find-cameras CLI: test/cli/commands/find-cameras.test.ts). */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findFfmpeg } from "../../../src/system/ffmpeg.js";
import { CameraError } from "../../../src/hardware/cameras/camera.js";
import type { CameraFrame } from "../../../src/hardware/cameras/camera.js";
import { FfmpegCamera } from "../../../src/hardware/cameras/ffmpeg-camera.js";
import { readCounter, stampCounter } from "../../../src/hardware/cameras/frame-counter.js";
import { parseAvfoundationDevices, parseDshowDevices, parseV4l2Formats } from "../../../src/hardware/cameras/list-cameras.js";
import { deviceInputArgs, openCamera, parseCamerasJson } from "../../../src/hardware/cameras/open-camera.js";
import { SyntheticCamera } from "../../../src/hardware/cameras/synthetic-camera.js";
import { tempDir } from "../../helpers/synthetic.js";
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

/** ffmpeg h264 round trip of RGB frames: encode to mp4, decode back to RGB. */
function h264RoundTrip(ffmpeg: string, frames: Uint8Array[], width: number, height: number, dir: string): Uint8Array[] {
  const file = path.join(dir, `counter-${width}x${height}.mp4`);
  const size = `${width}x${height}`;
  execFileSync(ffmpeg, ["-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", size, "-r", "30", "-i", "pipe:0",
    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "30", "-g", "4", file], { input: Buffer.concat(frames) });
  const raw = execFileSync(ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], { maxBuffer: 64 * 1024 * 1024 });
  const bytes = width * height * 3;
  return Array.from({ length: raw.length / bytes }, (_, i) => raw.subarray(i * bytes, (i + 1) * bytes));
}

describe("frame counter", () => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("paints only a band at the top and reads back exactly", () => {
    for (const [w, h] of [[320, 240], [640, 480], [128, 96], [64, 48]] as const) {
      const rgb = new Uint8Array(w * h * 3).fill(77);
      stampCounter(rgb, w, h, [40961, 7]);
      expect(readCounter(rgb, w, h, 2)).toEqual([40961, 7]);
      expect(rgb[rgb.length - 1], `${w}x${h}: bottom row untouched`).toBe(77);
    }
    expect(() => stampCounter(new Uint8Array(10), 320, 240, [1])).toThrow(/expected 320x240x3/);
    expect(() => stampCounter(new Uint8Array(320 * 240 * 3), 320, 240, [65536])).toThrow(/0\.\.65535/);
  });

  it("survives h264 (crf 30) over the moving test pattern at 320x240 and 640x480", async () => {
    for (const [width, height] of [[320, 240], [640, 480]] as const) {
      const camera = new SyntheticCamera({ name: "counter", width, height, fps: 30 });
      await camera.start();
      const frames: Uint8Array[] = [];
      while (frames.length < 12) {
        const frame = camera.latest();
        if (frame && frame.sequence === frames.length) frames.push(frame.data.slice());
        else await sleep(2);
      }
      await camera.stop();
      const decoded = h264RoundTrip((await findFfmpeg({ requireEncoder: "libx264" })).path, frames, width, height, dir);
      expect(decoded).toHaveLength(12);
      expect(decoded.map((rgb) => readCounter(rgb, width, height, 1)[0])).toEqual(frames.map((_, k) => k));
    }
  });
});

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
      const frame = camera.latest()!;
      frames.push(frame);
      expect(readCounter(frame.data, 320, 240, 1)).toEqual([k]);
      copies.push(frame.data.slice());
      await sleep(33);
      // The caller owns the frame until its next latest(): the prefetch went into another buffer.
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

describe("camera configs", () => {
  const lerobotJson = JSON.stringify({
    front: { type: "opencv", index_or_path: 0, width: 640, height: 480, fps: 30 },
    wrist: { type: "opencv", index_or_path: "/dev/video2", width: 640, height: 480, fps: 30, color_mode: "rgb", rotation: 90, warmup_s: 1 },
  });

  it("parses LeRobot's two-camera --robot.cameras JSON and opens (without starting) both", async () => {
    const cameras = parseCamerasJson(lerobotJson);
    expect(Object.keys(cameras)).toEqual(["front", "wrist"]);
    expect(cameras.front).toMatchObject({ type: "opencv", index_or_path: 0, width: 640 });
    const wrist = openCamera("wrist", cameras.wrist!);
    // LeRobot: a camera rotated by 90 degrees delivers height x width frames.
    expect([wrist.width, wrist.height]).toEqual([480, 640]);
    expect(wrist.latest()).toBeUndefined();
    await wrist.stop();
    expect(openCamera("sim", { type: "synthetic", width: 96, height: 64, fps: 15 })).toBeInstanceOf(SyntheticCamera);
  });

  it("takes `synthetic` as two 640x480 synthetic cameras at 30 fps (the README's short first command)", () => {
    const synthetic = { type: "synthetic", width: 640, height: 480, fps: 30 };
    expect(parseCamerasJson(" synthetic ")).toEqual({ front: synthetic, wrist: synthetic });
    expect(openCamera("front", parseCamerasJson("synthetic").front!)).toBeInstanceOf(SyntheticCamera);
  });

  it("maps a device to ffmpeg input args per platform", () => {
    const config = { type: "opencv", index_or_path: 2, width: 640, height: 480, fps: 30, input_format: "mjpeg" };
    expect(deviceInputArgs("front", config, "linux")).toEqual({
      inputArgs: ["-f", "v4l2", "-input_format", "mjpeg", "-video_size", "640x480", "-framerate", "30", "-i", "/dev/video2"],
      source: "/dev/video2",
    });
    expect(deviceInputArgs("front", { ...config, index_or_path: "/dev/v4l/by-id/usb-cam" }, "linux").inputArgs.at(-1)).toBe("/dev/v4l/by-id/usb-cam");
    expect(deviceInputArgs("front", { ...config, input_format: undefined }, "darwin").inputArgs).toEqual(["-f", "avfoundation", "-framerate", "30", "-video_size", "640x480", "-i", "2"]);
    expect(deviceInputArgs("front", { ...config, index_or_path: "USB Camera" }, "win32").inputArgs).toEqual(
      ["-f", "dshow", "-vcodec", "mjpeg", "-video_size", "640x480", "-framerate", "30", "-i", "video=USB Camera"],
    );
    expect(() => deviceInputArgs("front", config, "win32")).toThrow(/on Windows, index_or_path must be the camera's name/);
  });

  it("refuses bad JSON, unknown types and bad sizes with one clear line naming the camera and field", () => {
    expect(() => parseCamerasJson("{front: 1}")).toThrow(/^cameras: not valid JSON/);
    expect(() => parseCamerasJson("[]")).toThrow(/expected a JSON object of named cameras, got an array/);
    const one = (extra: Record<string, unknown>) => JSON.stringify({ front: { type: "opencv", index_or_path: 0, width: 640, height: 480, fps: 30, ...extra } });
    expect(() => parseCamerasJson(one({ type: "realsense" }))).toThrow(`camera 'front': unknown type "realsense": use one of "opencv", "v4l2", "synthetic"`);
    expect(() => parseCamerasJson(one({ width: 641 }))).toThrow("camera 'front': width must be a positive even integer, got 641");
    expect(() => parseCamerasJson(one({ fps: 0 }))).toThrow("camera 'front': fps must be a positive integer, got 0");
    expect(() => parseCamerasJson(one({ height: undefined }))).toThrow(/height must be a positive even integer, got undefined/);
    expect(() => parseCamerasJson(one({ index_or_path: null }))).toThrow(/camera 'front': index_or_path must be a device index/);
    expect(() => parseCamerasJson(one({ rotation: 45 }))).toThrow(/rotation must be 0, 90, 180 or -90/);
    expect(() => openCamera("x", { type: "opencv", index_or_path: 0, width: 640, height: 480, fps: 30.5 })).toThrow(CameraError);
  });
});

describe("device listings", () => {
  it("parses ffmpeg's v4l2 formats, avfoundation and dshow device lists", () => {
    const v4l2 = [
      "[video4linux2,v4l2 @ 0x55d0] Compressed:       mjpeg :          Motion-JPEG : 1920x1080 1280x720 640x480",
      "[video4linux2,v4l2 @ 0x55d0] Raw       :     yuyv422 :           YUYV 4:2:2 : 640x480 320x240",
      "[video4linux2,v4l2 @ 0x55d0] Raw       :        nv12 :         Y/CbCr 4:2:0 : {32-4096, 2}x{32-2304, 2}",
    ].join("\n");
    expect(parseV4l2Formats(v4l2)).toEqual([
      { kind: "compressed", format: "mjpeg", description: "Motion-JPEG", sizes: ["1920x1080", "1280x720", "640x480"] },
      { kind: "raw", format: "yuyv422", description: "YUYV 4:2:2", sizes: ["640x480", "320x240"] },
      { kind: "raw", format: "nv12", description: "Y/CbCr 4:2:0", sizes: [] },
    ]);
    const avf = [
      "[AVFoundation indev @ 0x7f] AVFoundation video devices:",
      "[AVFoundation indev @ 0x7f] [0] FaceTime HD Camera",
      "[AVFoundation indev @ 0x7f] [1] Capture screen 0",
      "[AVFoundation indev @ 0x7f] AVFoundation audio devices:",
      "[AVFoundation indev @ 0x7f] [0] MacBook Pro Microphone",
    ].join("\n");
    expect(parseAvfoundationDevices(avf)).toEqual([{ id: "0", name: "FaceTime HD Camera", backend: "avfoundation", indexOrPath: 0, formats: [] }]);
    const dshowNew = ['[dshow @ 0x1] "USB Camera" (video)', '[dshow @ 0x1]   Alternative name "@device_pnp_\\\\?\\usb#vid"', '[dshow @ 0x1] "Microphone" (audio)'].join("\n");
    const dshowOld = ["[dshow @ 0x1] DirectShow video devices (some may be both video and audio devices)", '[dshow @ 0x1]  "USB Camera"', "[dshow @ 0x1] DirectShow audio devices", '[dshow @ 0x1]  "Microphone"'].join("\n");
    for (const text of [dshowNew, dshowOld]) {
      expect(parseDshowDevices(text)).toEqual([{ id: "USB Camera", name: "USB Camera", backend: "dshow", indexOrPath: "USB Camera", formats: [] }]);
    }
  });
});
