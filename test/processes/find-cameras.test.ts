/**
 * findCameras(): LeRobot's find-cameras — the capture devices, each with a PNG snapshot taken one
 * camera at a time after its warm-up and record time. Devices are given (no /dev/video* needed);
 * snapshots come from the synthetic camera (ffmpeg's test pattern) or a camera that notes when it is read.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Camera, CameraConfig } from "../../src/hardware/cameras/camera.js";
import type { CameraDevice } from "../../src/hardware/cameras/list-cameras.js";
import { openCamera } from "../../src/hardware/cameras/open-camera.js";
import { findCameras } from "../../src/processes/find-cameras.js";
import { tempDir } from "../helpers/synthetic.js";
import { until } from "../helpers/wait.js";

describe("findCameras: camera type, warm-up and record time", () => {
  const device: CameraDevice = { id: "/dev/video7", name: "Test Camera", backend: "v4l2", indexOrPath: "/dev/video7", formats: [{ kind: "raw", format: "yuyv422", description: "YUYV", sizes: ["640x480"] }] };
  /** A camera that notes whether its frame was taken. */
  function fakeCamera(log: { config?: CameraConfig; taken?: boolean }) {
    return (name: string, config: CameraConfig): Camera => {
      log.config = config;
      log.taken = false;
      return {
        name, width: 4, height: 2, fps: 30,
        start: async () => {},
        latest: () => { log.taken = true; return { data: new Uint8Array(4 * 2 * 3).fill(200), sequence: 0, receivedAtMs: 0 }; },
        onError: () => () => {},
        stop: async () => {},
      };
    };
  }

  // setTimeout is faked, so the hold is read off the timers, not the wall clock.
  afterEach(() => { vi.useRealTimers(); });

  it("holds each camera for recordTimeS after a warm-up of warmupS, then saves LeRobot's opencv_<id>.png", async () => {
    const dir = tempDir();
    try {
      vi.useFakeTimers({ toFake: ["setTimeout"] });
      const held: { config?: CameraConfig; taken?: boolean } = {};
      const finding = findCameras({ snapshotDir: dir, recordTimeS: 0.6, warmupS: 0.25, listDevices: async () => [device], open: fakeCamera(held) });
      await until(() => vi.getTimerCount(), (n) => n > 0);
      await vi.advanceTimersByTimeAsync(599);
      expect(held.taken).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const found = await finding;
      expect(held.taken).toBe(true);
      expect(held.config).toMatchObject({ type: "opencv", index_or_path: "/dev/video7", width: 640, height: 480, warmup_s: 0.25, input_format: "yuyv422" });
      expect(found[0]!.snapshot).toBe(path.join(dir, "opencv__dev_video7.png"));
      expect(fs.readFileSync(found[0]!.snapshot!).subarray(1, 4).toString()).toBe("PNG");

      // recordTimeS 0: the frame is taken with no timer advanced at all.
      const quick: { config?: CameraConfig; taken?: boolean } = {};
      await findCameras({ snapshotDir: dir, recordTimeS: 0, listDevices: async () => [device], open: fakeCamera(quick) });
      expect(quick.config?.warmup_s).toBe(1); // LeRobot's default warmup_s
      expect(quick.taken).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds no realsense cameras (no SDK) without listing devices; opencv lists them all", async () => {
    let listed = 0;
    const listDevices = async () => { listed++; return [device]; };
    expect(await findCameras({ cameraType: "realsense", listDevices })).toEqual([]);
    expect(listed).toBe(0);
    expect(await findCameras({ cameraType: "opencv", listDevices })).toEqual([device]);
  });
});

describe("findCameras: snapshots", () => {
  const device = (id: string, sizes: string[]): CameraDevice => ({ id, name: `Camera ${id}`, backend: "v4l2", indexOrPath: id, formats: [{ kind: "raw", format: "yuyv422", description: "YUYV", sizes }] });
  /** Opens the synthetic camera at the size findCameras asks for, noting each open. */
  const synthetic = (opened: string[]) => (name: string, config: CameraConfig): Camera => {
    opened.push(name);
    const { width, height } = config as { width: number; height: number };
    return openCamera(name, { type: "synthetic", width, height, fps: 30 });
  };
  /** A PNG's width and height, from its IHDR chunk. */
  const pngSize = (file: string) => {
    const bytes = fs.readFileSync(file);
    return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  };

  it("lists the devices without opening any when no snapshot is asked for", async () => {
    const opened: string[] = [];
    const devices = [device("/dev/video0", ["640x480"])];
    expect(await findCameras({ listDevices: async () => devices, open: synthetic(opened) })).toEqual(devices);
    expect(opened).toEqual([]);
  });

  it("saves a frame of each camera at 640x480 when offered, else at the device's first size", async () => {
    const dir = tempDir();
    try {
      const opened: string[] = [];
      const found = await findCameras({
        snapshotDir: path.join(dir, "shots"), recordTimeS: 0, warmupS: 0, open: synthetic(opened),
        listDevices: async () => [device("/dev/video0", ["1280x720", "640x480"]), device("/dev/video2", ["320x240", "160x120"])],
      });
      expect(opened).toEqual(["/dev/video0", "/dev/video2"]);
      expect(found.map((f) => f.snapshot)).toEqual([path.join(dir, "shots", "opencv__dev_video0.png"), path.join(dir, "shots", "opencv__dev_video2.png")]);
      expect(pngSize(found[0]!.snapshot!)).toEqual([640, 480]);
      expect(pngSize(found[1]!.snapshot!)).toEqual([320, 240]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("gives a camera that cannot be opened a snapshotError and goes on to the next", async () => {
    const dir = tempDir();
    try {
      const opened: string[] = [];
      const open = (name: string, config: CameraConfig): Camera => {
        if (name === "/dev/video0") throw new Error("/dev/video0 is busy");
        return synthetic(opened)(name, config);
      };
      const found = await findCameras({
        snapshotDir: dir, recordTimeS: 0, warmupS: 0, open,
        listDevices: async () => [device("/dev/video0", ["640x480"]), device("/dev/video2", ["640x480"])],
      });
      expect(found[0]).toMatchObject({ id: "/dev/video0", snapshotError: "/dev/video0 is busy" });
      expect(found[0]!.snapshot).toBeUndefined();
      expect(fs.existsSync(found[1]!.snapshot!)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
