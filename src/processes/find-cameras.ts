/**
 * LeRobot's `lerobot-find-cameras`: list the capture devices and save one snapshot per camera, so
 * the user can tell which index_or_path is which. Snapshots are taken one camera at a time (USB
 * bandwidth) after a 1 s warm-up (LeRobot's default warmup_s: exposure settles).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { encodePng } from "../dataset/png.js";
import { listCameras } from "../hardware/cameras/list-cameras.js";
import type { CameraDevice } from "../hardware/cameras/list-cameras.js";
import { openCamera } from "../hardware/cameras/open-camera.js";
import type { CameraConfig } from "../hardware/cameras/camera.js";

export interface FindCamerasOptions {
  /** Save one PNG per camera here; no snapshots when absent. */
  snapshotDir?: string;
}

export interface FoundCamera extends CameraDevice {
  /** The PNG written for this camera. */
  snapshot?: string;
  /** Why no snapshot could be taken (busy, unplugged, ...). */
  snapshotError?: string;
}

export async function findCameras(options: FindCamerasOptions = {}): Promise<FoundCamera[]> {
  const devices = await listCameras();
  const found: FoundCamera[] = [];
  for (const device of devices) {
    if (options.snapshotDir === undefined) {
      found.push(device);
      continue;
    }
    try {
      found.push({ ...device, snapshot: await takeSnapshot(device, options.snapshotDir) });
    } catch (error) {
      found.push({ ...device, snapshotError: error instanceof Error ? error.message : String(error) });
    }
  }
  return found;
}

async function takeSnapshot(device: CameraDevice, dir: string): Promise<string> {
  const camera = openCamera(device.id, snapshotConfig(device));
  try {
    await camera.start();
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
function snapshotConfig(device: CameraDevice): CameraConfig {
  const preferred = device.formats.find((f) => f.sizes.includes("640x480")) ?? device.formats.find((f) => f.sizes.length > 0);
  const size = preferred?.sizes.includes("640x480") ? "640x480" : (preferred?.sizes[0] ?? "640x480");
  const [width, height] = size.split("x").map(Number);
  return {
    type: "opencv",
    index_or_path: device.indexOrPath,
    width: width ?? 640,
    height: height ?? 480,
    fps: 30,
    warmup_s: 1,
    ...(preferred ? { input_format: preferred.format } : {}),
  };
}
