/** LeRobot's camera configs (`--robot.cameras`) to cameras: parsing, validation naming camera and field, and ffmpeg input per platform. */
import { describe, expect, it } from "vitest";
import { CameraError } from "../../../src/hardware/cameras/camera.js";
import { FfmpegCamera } from "../../../src/hardware/cameras/ffmpeg-camera.js";
import { CAMERA_TYPES, SYNTHETIC_CAMERAS_SHORTHAND, deviceInputArgs, openCamera, parseCamerasJson } from "../../../src/hardware/cameras/open-camera.js";
import { SyntheticCamera } from "../../../src/hardware/cameras/synthetic-camera.js";

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

describe("openCamera", () => {
  const opencv = { type: "opencv", index_or_path: 0, width: 640, height: 480, fps: 30 };

  it("gives an FfmpegCamera for a device and a SyntheticCamera for `synthetic`, named and sized as configured, not started", async () => {
    const camera = openCamera("front", { ...opencv, type: "v4l2" });
    expect(camera).toBeInstanceOf(FfmpegCamera);
    expect([camera.name, camera.width, camera.height, camera.fps]).toEqual(["front", 640, 480, 30]);
    expect((camera as FfmpegCamera).pid).toBeUndefined();
    await camera.stop();
    const synthetic = openCamera("wrist", { type: "synthetic", width: 96, height: 64, fps: 15 });
    expect(synthetic).toBeInstanceOf(SyntheticCamera);
    expect([synthetic.name, synthetic.width, synthetic.height, synthetic.fps]).toEqual(["wrist", 96, 64, 15]);
  });

  it("swaps width and height for a quarter turn either way (90, -90, 270), not for 0 or 180", async () => {
    const size = (rotation: number) => {
      const camera = openCamera("c", { ...opencv, rotation });
      return [camera.width, camera.height];
    };
    expect([90, -90, 270].map(size)).toEqual([[480, 640], [480, 640], [480, 640]]);
    expect([0, 180].map(size)).toEqual([[640, 480], [640, 480]]);
  });

  it("needs no device for a synthetic camera, and refuses a device config without one", () => {
    expect(() => openCamera("s", { type: "synthetic", width: 64, height: 48, fps: 30 })).not.toThrow();
    expect(() => openCamera("front", { type: "opencv", width: 640, height: 480, fps: 30 })).toThrow(/camera 'front': index_or_path must be a device index/);
    expect(() => openCamera("front", { ...opencv, index_or_path: -1 })).toThrow(/index_or_path/);
    expect(() => openCamera("front", { ...opencv, index_or_path: "" })).toThrow(/index_or_path/);
  });

  it("refuses LeRobot's extra keys with a bad value, naming camera and field, and says which camera in the error", () => {
    const error = (extra: Record<string, unknown>) => {
      try {
        openCamera("wrist", { ...opencv, ...extra });
      } catch (e) {
        return e as CameraError;
      }
      return undefined;
    };
    expect(error({ input_format: "" })?.message).toBe('camera \'wrist\': input_format must be a pixel format name like "mjpeg", got ""');
    expect(error({ color_mode: "gray" })?.message).toBe('camera \'wrist\': color_mode must be "rgb" or "bgr", got "gray"');
    expect(error({ warmup_s: -1 })?.message).toBe("camera 'wrist': warmup_s must be a number of seconds >= 0, got -1");
    expect(error({ warmup_s: "1" })?.message).toMatch(/warmup_s must be a number/);
    expect(error({ color_mode: "gray" })?.camera).toBe("wrist");
    for (const fine of [{ input_format: "mjpeg" }, { color_mode: "bgr" }, { warmup_s: 0 }, { rotation: -90 }]) expect(error(fine), JSON.stringify(fine)).toBeUndefined();
  });

  it("knows exactly the types opencv, v4l2 and synthetic", () => {
    expect([...CAMERA_TYPES]).toEqual(["opencv", "v4l2", "synthetic"]);
  });
});

describe("parseCamerasJson: shapes", () => {
  it("refuses a camera whose config is not an object, naming it", () => {
    expect(() => parseCamerasJson(JSON.stringify({ top: 3 }))).toThrow(/^camera 'top': config must be an object/);
    expect(() => parseCamerasJson(JSON.stringify({ top: [] }))).toThrow(/^camera 'top': config must be an object/);
    expect(() => parseCamerasJson("null")).toThrow("cameras: expected a JSON object of named cameras, got null");
  });

  it("takes no cameras as none, and the shorthand only as the whole argument", () => {
    expect(parseCamerasJson("{}")).toEqual({});
    expect(SYNTHETIC_CAMERAS_SHORTHAND).toBe("synthetic");
    expect(() => parseCamerasJson('"synthetic"')).toThrow(/expected a JSON object of named cameras, got "synthetic"/);
  });
});
