/**
 * LeRobot's `lerobot-find-cameras`: list the capture devices and save one snapshot per camera, so
 * the user can tell which index_or_path is which. Snapshots are taken one camera at a time (USB
 * bandwidth): each camera warms up for warmupS (default 1 s: exposure settles), runs for
 * recordTimeS (default 2 s) and its last frame is saved, as LeRobot v0.6's
 * scripts/lerobot_find_cameras.py save_images_from_all_cameras() leaves the last frame it read.
 * RealSense cameras need Intel's SDK, which lerobot-ts does not use: asking for `realsense` finds
 * none (they still show up as V4L2 devices among the `opencv` ones).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { encodePng } from "../dataset/index.js";
import { listCameras, openCamera } from "../hardware/index.js";
import type { CameraDevice, Camera, CameraConfig } from "../hardware/index.js";

/** Options of findCameras(): LeRobot's find-cameras flags. */
export interface FindCamerasOptions {
  /** Save one PNG per camera here; no snapshots when absent. */
  snapshotDir?: string;
  /** LeRobot's positional camera type: only these cameras (default: all). */
  cameraType?: "opencv" | "realsense";
  /** Seconds each camera runs, after its warm-up, before its snapshot (LeRobot's --record-time-s, default 2). */
  recordTimeS?: number;
  /** Seconds of frames dropped after a camera starts (LeRobot's --warmup-s, default 1). */
  warmupS?: number;
  /** The device list (default: listCameras()); tests give their own. */
  listDevices?: () => Promise<CameraDevice[]>;
  /** Opens a device (default: openCamera); tests give their own. */
  open?: (name: string, config: CameraConfig) => Camera;
}

/** A capture device, with its snapshot when one was asked for. */
export interface FoundCamera extends CameraDevice {
  /** The PNG written for this camera. */
  snapshot?: string;
  /** Why no snapshot could be taken (busy, unplugged, ...). */
  snapshotError?: string;
}

/**
 * The capture devices of this machine (listCameras), each with a PNG snapshot in `snapshotDir`
 * when given, as LeRobot's find_and_print_cameras and save_images_from_all_cameras
 * (lerobot/scripts/lerobot_find_cameras.py). Cameras are opened one at a time; a camera that
 * cannot be read gets `snapshotError` instead of failing the call. Writes the snapshot folder and
 * its PNGs. Rejects with VideoError when devices exist but no ffmpeg is found.
 */
export async function findCameras(options: FindCamerasOptions = {}): Promise<FoundCamera[]> {
  if (options.cameraType === "realsense") return [];
  const devices = await (options.listDevices ?? listCameras)();
  const found: FoundCamera[] = [];
  for (const device of devices) {
    if (options.snapshotDir === undefined) {
      found.push(device);
      continue;
    }
    try {
      found.push({ ...device, snapshot: await takeSnapshot(device, options.snapshotDir, options) });
    } catch (error) {
      found.push({ ...device, snapshotError: error instanceof Error ? error.message : String(error) });
    }
  }
  return found;
}

async function takeSnapshot(device: CameraDevice, dir: string, options: FindCamerasOptions): Promise<string> {
  const camera = (options.open ?? openCamera)(device.id, snapshotConfig(device, options.warmupS ?? 1));
  try {
    await camera.start();
    const recordMs = (options.recordTimeS ?? 2) * 1000;
    if (recordMs > 0) await new Promise((resolve) => setTimeout(resolve, recordMs));
    const frame = camera.latest();
    if (!frame) throw new Error(`camera ${device.id} gave no frame`);
    await mkdir(dir, { recursive: true });
    // LeRobot's file name: opencv_<id with / replaced>, e.g. opencv__dev_video0.png.
    const file = path.join(dir, `opencv_${device.id.replace(/[^\w.-]/g, "_")}.png`);
    await writeFile(file, encodePng(frame.data, camera.width, camera.height));
    return file;
  } finally {
    await camera.stop();
  }
}

/** 640x480 when the device offers it (LeRobot's usual default profile), else its first size. */
function snapshotConfig(device: CameraDevice, warmupS: number): CameraConfig {
  const preferred = device.formats.find((f) => f.sizes.includes("640x480")) ?? device.formats.find((f) => f.sizes.length > 0);
  const size = preferred?.sizes.includes("640x480") ? "640x480" : (preferred?.sizes[0] ?? "640x480");
  const [width, height] = size.split("x").map(Number);
  return {
    type: "opencv",
    index_or_path: device.indexOrPath,
    width: width ?? 640,
    height: height ?? 480,
    fps: 30,
    warmup_s: warmupS,
    ...(preferred ? { input_format: preferred.format } : {}),
  };
}
