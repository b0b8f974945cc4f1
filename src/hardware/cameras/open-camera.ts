/**
 * LeRobot's camera configs (`--robot.cameras`) to cameras: "opencv" and "v4l2" read the platform's
 * capture device through ffmpeg, "synthetic" is a test pattern. LeRobot's extra keys are accepted:
 * `rotation` (0, 90, 180, -90) and `color_mode` ("rgb", "bgr") are honoured, `warmup_s` too
 * (frames are read and dropped that long in start()); others are ignored.
 */
import { CameraError } from "./camera.js";
import type { Camera, CameraConfig } from "./camera.js";
import { FfmpegCamera } from "./ffmpeg-camera.js";
import { SyntheticCamera } from "./synthetic-camera.js";

export const CAMERA_TYPES = ["opencv", "v4l2", "synthetic"] as const;

/** ffmpeg filter per LeRobot rotation (degrees clockwise; -90 and 270 are the same). */
const ROTATIONS: Record<string, string | undefined> = {
  "0": undefined,
  "90": "transpose=clock",
  "180": "hflip,vflip",
  "-90": "transpose=cclock",
  "270": "transpose=cclock",
};

/** Checks a config's fields, naming the camera and the field at fault. */
function validateCameraConfig(name: string, config: CameraConfig): void {
  const fail = (message: string): never => {
    throw new CameraError(`camera '${name}': ${message}`, name);
  };
  if (typeof config !== "object" || config === null || Array.isArray(config)) fail("config must be an object like {\"type\": \"opencv\", \"index_or_path\": 0, \"width\": 640, \"height\": 480, \"fps\": 30}");
  if (!(CAMERA_TYPES as readonly unknown[]).includes(config.type)) {
    fail(`unknown type ${JSON.stringify(config.type)}: use one of ${CAMERA_TYPES.map((t) => `"${t}"`).join(", ")}`);
  }
  for (const field of ["width", "height", "fps"] as const) {
    const value = config[field];
    const even = field !== "fps";
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0 || (even && value % 2 !== 0)) {
      fail(`${field} must be a positive${even ? " even" : ""} integer, got ${JSON.stringify(value)}`);
    }
  }
  if (config.type !== "synthetic") {
    const device = config.index_or_path;
    if (!((typeof device === "number" && Number.isInteger(device) && device >= 0) || (typeof device === "string" && device !== ""))) {
      fail(`index_or_path must be a device index (0) or a path/name ("/dev/video0"), got ${JSON.stringify(device)}`);
    }
  }
  if (config.input_format !== undefined && (typeof config.input_format !== "string" || config.input_format === "")) {
    fail(`input_format must be a pixel format name like "mjpeg", got ${JSON.stringify(config.input_format)}`);
  }
  if (config.rotation !== undefined && !Object.hasOwn(ROTATIONS, String(config.rotation))) {
    fail(`rotation must be 0, 90, 180 or -90, got ${JSON.stringify(config.rotation)}`);
  }
  if (config.color_mode !== undefined && config.color_mode !== "rgb" && config.color_mode !== "bgr") {
    fail(`color_mode must be "rgb" or "bgr", got ${JSON.stringify(config.color_mode)}`);
  }
  if (config.warmup_s !== undefined && (typeof config.warmup_s !== "number" || !(config.warmup_s >= 0))) {
    fail(`warmup_s must be a number of seconds >= 0, got ${JSON.stringify(config.warmup_s)}`);
  }
}

/** The ffmpeg input arguments for a capture device on a platform, and a label for messages. */
export function deviceInputArgs(name: string, config: CameraConfig, platform: NodeJS.Platform = process.platform): { inputArgs: string[]; source: string } {
  const device = config.index_or_path ?? 0;
  const isIndex = typeof device === "number" || /^\d+$/.test(device);
  const size = `${config.width}x${config.height}`;
  const fps = String(config.fps);
  const format = config.input_format;
  if (platform === "darwin") {
    const input = String(device);
    return { inputArgs: ["-f", "avfoundation", ...(format ? ["-pixel_format", format] : []), "-framerate", fps, "-video_size", size, "-i", input], source: `avfoundation ${input}` };
  }
  if (platform === "win32") {
    if (isIndex) {
      throw new CameraError(`camera '${name}': on Windows, index_or_path must be the camera's name (lerobot-ts find-cameras lists them), got ${JSON.stringify(device)}`, name);
    }
    const formatArgs = format === undefined ? [] : format === "mjpeg" ? ["-vcodec", "mjpeg"] : ["-pixel_format", format];
    return { inputArgs: ["-f", "dshow", ...formatArgs, "-video_size", size, "-framerate", fps, "-i", `video=${device}`], source: `dshow ${device}` };
  }
  const path = isIndex ? `/dev/video${device}` : String(device);
  return { inputArgs: ["-f", "v4l2", ...(format ? ["-input_format", format] : []), "-video_size", size, "-framerate", fps, "-i", path], source: path };
}

/**
 * The camera for one entry of LeRobot's `--robot.cameras` (a FfmpegCamera, or a SyntheticCamera
 * for type "synthetic"); not started, so nothing runs yet (start() it).
 * @throws CameraError for an unknown type or a bad width, height, fps, rotation or color_mode, naming the camera and field.
 */
export function openCamera(name: string, config: CameraConfig): Camera {
  validateCameraConfig(name, config);
  if (config.type === "synthetic") return new SyntheticCamera({ name, width: config.width, height: config.height, fps: config.fps });
  const rotation = ROTATIONS[String(config.rotation ?? 0)];
  // LeRobot: a camera turned by 90 degrees delivers height x width frames.
  const turned = rotation?.startsWith("transpose") ?? false;
  return new FfmpegCamera({
    name,
    width: turned ? config.height : config.width,
    height: turned ? config.width : config.height,
    fps: config.fps,
    ...deviceInputArgs(name, config),
    ...(rotation !== undefined ? { videoFilter: rotation } : {}),
    ...(config.color_mode === "bgr" ? { pixelFormat: "bgr24" as const } : {}),
    ...(typeof config.warmup_s === "number" ? { warmupMs: config.warmup_s * 1000 } : {}),
  });
}

/** Parses LeRobot's `--robot.cameras` JSON: `{"front": {"type": "opencv", "index_or_path": 0, ...}}`. */
/** `synthetic`: the short form for two 640x480 synthetic cameras at 30 fps, named as LeRobot's SO-101 examples name theirs. */
export const SYNTHETIC_CAMERAS_SHORTHAND = "synthetic";

export function parseCamerasJson(json: string): Record<string, CameraConfig> {
  if (json.trim() === SYNTHETIC_CAMERAS_SHORTHAND) {
    const camera = (): CameraConfig => ({ type: "synthetic", width: 640, height: 480, fps: 30 });
    return { front: camera(), wrist: camera() };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new CameraError(`cameras: not valid JSON (${(error as Error).message}); expected e.g. {"front": {"type": "opencv", "index_or_path": 0, "width": 640, "height": 480, "fps": 30}}, or ${SYNTHETIC_CAMERAS_SHORTHAND}`, "");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CameraError(`cameras: expected a JSON object of named cameras, got ${Array.isArray(parsed) ? "an array" : JSON.stringify(parsed)}`, "");
  }
  const cameras: Record<string, CameraConfig> = {};
  for (const [name, config] of Object.entries(parsed)) {
    validateCameraConfig(name, config as CameraConfig);
    cameras[name] = config as CameraConfig;
  }
  return cameras;
}
