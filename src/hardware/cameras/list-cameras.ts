/**
 * Which capture devices does this machine have? Linux: /dev/video* nodes that offer a video format
 * (USB cameras also create metadata nodes, which offer none); macOS and Windows: the video devices
 * ffmpeg's avfoundation / dshow input lists (screens excluded).
 */
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { findFfmpeg } from "../../system/index.js";

/** A pixel format a capture device offers. */
export interface CameraFormat {
  kind: "raw" | "compressed";
  /** ffmpeg's name, as `input_format` takes it: "yuyv422", "mjpeg". */
  format: string;
  /** The device's words for it ("Motion-JPEG"). */
  description: string;
  /** Frame sizes like "640x480" (empty when the device gives ranges). */
  sizes: string[];
}

/** A capture device of this machine. */
export interface CameraDevice {
  /** "/dev/video0", or the index/name ffmpeg opens it by. */
  id: string;
  /** What the device calls itself ("HD USB Camera"). */
  name: string;
  /** The ffmpeg input that opens it. */
  backend: "v4l2" | "avfoundation" | "dshow";
  /** What to put in a camera config's index_or_path. */
  indexOrPath: number | string;
  /** The formats the device offers (Linux only; empty elsewhere). */
  formats: CameraFormat[];
}

/**
 * The video capture devices of this machine (Linux: /dev/video* nodes that offer a format; macOS
 * and Windows: ffmpeg's avfoundation / dshow device list, screens excluded). Runs ffmpeg; opens no
 * device for capture. Resolves with [] when there are none.
 * @throws VideoError when devices exist but no ffmpeg can be found.
 */
export async function listCameras(platform: NodeJS.Platform = process.platform): Promise<CameraDevice[]> {
  if (platform === "darwin") {
    const ffmpeg = await findFfmpeg();
    return parseAvfoundationDevices(await ffmpegStderr(ffmpeg.path, ["-hide_banner", "-f", "avfoundation", "-list_devices", "true", "-i", ""]));
  }
  if (platform === "win32") {
    const ffmpeg = await findFfmpeg();
    return parseDshowDevices(await ffmpegStderr(ffmpeg.path, ["-hide_banner", "-f", "dshow", "-list_devices", "true", "-i", "dummy"]));
  }
  return listV4l2Devices();
}

async function listV4l2Devices(): Promise<CameraDevice[]> {
  let entries: string[];
  try {
    entries = await readdir("/dev");
  } catch {
    return [];
  }
  const nodes = entries
    .map((entry) => /^video(\d+)$/.exec(entry)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  if (nodes.length === 0) return [];
  const ffmpeg = await findFfmpeg();
  const devices: CameraDevice[] = [];
  for (const n of nodes) {
    const id = `/dev/video${n}`;
    const formats = parseV4l2Formats(await ffmpegStderr(ffmpeg.path, ["-hide_banner", "-f", "v4l2", "-list_formats", "all", "-i", id]));
    if (formats.length === 0) continue;
    const name = await readFile(`/sys/class/video4linux/video${n}/name`, "utf8").then((s) => s.trim(), () => `video${n}`);
    devices.push({ id, name, backend: "v4l2", indexOrPath: id, formats });
  }
  return devices;
}

/** `ffmpeg -f v4l2 -list_formats all` lines: "[video4linux2,v4l2 @ 0x..] Compressed:  mjpeg :  Motion-JPEG : 1280x720 640x480". */
export function parseV4l2Formats(stderr: string): CameraFormat[] {
  const formats: CameraFormat[] = [];
  for (const line of stderr.split("\n")) {
    // Fields are separated by " : " (descriptions such as "YUYV 4:2:2" hold bare colons).
    const [kind, format, description, sizes] = line.replace(/^\[[^\]]*\]/, "").split(/\s*:(?:\s+|$)/).map((field) => field.trim());
    if ((kind !== "Raw" && kind !== "Compressed") || !format) continue;
    formats.push({
      kind: kind === "Raw" ? "raw" : "compressed",
      format,
      description: description ?? "",
      sizes: (sizes ?? "").split(/\s+/).filter((s) => /^\d+x\d+$/.test(s)),
    });
  }
  return formats;
}

/** `ffmpeg -f avfoundation -list_devices true -i ""`: "[0] FaceTime HD Camera" under "AVFoundation video devices:". */
export function parseAvfoundationDevices(stderr: string): CameraDevice[] {
  const devices: CameraDevice[] = [];
  let inVideo = false;
  for (const line of stderr.split("\n")) {
    if (/AVFoundation video devices/.test(line)) inVideo = true;
    else if (/AVFoundation audio devices/.test(line)) inVideo = false;
    const m = /\]\s*\[(\d+)\]\s*(.+?)\s*$/.exec(line);
    if (!inVideo || !m?.[1] || m[2] === undefined || /^Capture screen/.test(m[2])) continue;
    devices.push({ id: m[1], name: m[2], backend: "avfoundation", indexOrPath: Number(m[1]), formats: [] });
  }
  return devices;
}

/**
 * `ffmpeg -f dshow -list_devices true -i dummy`: ffmpeg 5+ writes `"Name" (video)`; older ones list
 * `"Name"` under a "DirectShow video devices" heading. Either way the name is what dshow opens.
 */
export function parseDshowDevices(stderr: string): CameraDevice[] {
  const devices: CameraDevice[] = [];
  let section: "video" | "audio" | undefined;
  for (const line of stderr.split("\n")) {
    if (/DirectShow video devices/.test(line)) section = "video";
    else if (/DirectShow audio devices/.test(line)) section = "audio";
    const m = /\]\s*"([^"]+)"\s*(?:\((video|audio|none)\))?\s*$/.exec(line);
    if (!m?.[1]) continue;
    if ((m[2] ?? section) !== "video") continue;
    devices.push({ id: m[1], name: m[1], backend: "dshow", indexOrPath: m[1], formats: [] });
  }
  return devices;
}

/** ffmpeg's listing commands print to stderr and exit non-zero (there is no output file). */
function ffmpegStderr(file: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000, maxBuffer: 4 * 1024 * 1024 }, (_error, _stdout, stderr) => resolve(String(stderr)));
  });
}
