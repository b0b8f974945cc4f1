/** Which cameras this machine has: ffmpeg's v4l2 / avfoundation / dshow listings parsed, and a machine without cameras. */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { listCameras, parseAvfoundationDevices, parseDshowDevices, parseV4l2Formats } from "../../../src/hardware/cameras/list-cameras.js";

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

const hasVideoDevices = process.platform === "linux" && fs.readdirSync("/dev").some((n) => /^video\d+$/.test(n));

describe.runIf(process.platform === "linux" && !hasVideoDevices)("listCameras (Linux, no capture device here)", () => {
  it("resolves with no cameras, without needing ffmpeg to list any", async () => {
    expect(await listCameras("linux")).toEqual([]);
  });
});

describe("parseV4l2Formats: what is not a format line", () => {
  it("skips ffmpeg's other output and lines of unknown kinds", () => {
    const stderr = [
      "[video4linux2,v4l2 @ 0x1] The V4L2 driver changed the video from 640x480 to 1280x720",
      "[video4linux2,v4l2 @ 0x1] Emulated :        bgr24 :              BGR24 : 640x480",
      "/dev/video1: Immediate exit requested",
      "",
    ].join("\n");
    expect(parseV4l2Formats(stderr)).toEqual([]);
  });
});
