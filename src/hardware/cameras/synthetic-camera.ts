/**
 * A camera without hardware: ffmpeg's moving `testsrc2` pattern with a frame counter stamped on
 * top (see frame-counter.ts).
 *
 * Deliberately paced by its reader, unlike a real camera: ffmpeg runs without `-re` and a couple
 * of frames are read ahead; `latest()` hands out the oldest, stamped with its sequence (0, 1, 2,
 * ... counting frames handed out), and lets ffmpeg deliver another. A recorder that
 * calls latest() once per tick therefore gets consecutive counters, which makes frame k of an
 * episode provably the frame taken at tick k. If ffmpeg has not finished the next frame when
 * latest() is called again, the same frame (same sequence, same buffer) comes back: the recorder
 * sees a late frame, as it would from a slow device.
 */
import type { Camera, CameraFrame } from "./camera.js";
import { FfmpegCamera } from "./ffmpeg-camera.js";
import { stampCounter } from "./frame-counter.js";

/** Options of `new SyntheticCamera(options)`. */
export interface SyntheticCameraOptions {
  /** The camera's name. */
  name: string;
  width: number;
  height: number;
  fps: number;
  /** start() rejects with CameraError if no frame arrived by then (ms). */
  firstFrameTimeoutMs?: number;
}

/**
 * A camera without hardware (`type: "synthetic"`): a moving test pattern from ffmpeg with the
 * frame's sequence number stamped on it, handed out one new frame per latest() call when ffmpeg
 * keeps up. Starts and fails as FfmpegCamera does.
 */
export class SyntheticCamera implements Camera {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  private readonly source: FfmpegCamera;
  private stamped = -1;

  constructor(options: SyntheticCameraOptions) {
    this.name = options.name;
    this.width = options.width;
    this.height = options.height;
    this.fps = options.fps;
    const pattern = `testsrc2=size=${options.width}x${options.height}:rate=${options.fps}`;
    this.source = new FfmpegCamera({
      ...options,
      inputArgs: ["-f", "lavfi", "-i", pattern],
      source: `lavfi ${pattern}`,
      readerPaced: true,
    });
  }

  /** ffmpeg's process id while it runs. */
  get pid(): number | undefined {
    return this.source.pid;
  }

  start(): Promise<void> {
    return this.source.start();
  }

  latest(): CameraFrame | undefined {
    const frame = this.source.latest();
    if (frame && frame.sequence !== this.stamped) {
      // 16 bits: the counter wraps after 65536 frames (36 minutes at 30 fps).
      stampCounter(frame.data, this.width, this.height, [frame.sequence % 0x10000]);
      this.stamped = frame.sequence;
    }
    return frame;
  }

  onError(listener: (error: Error) => void): () => void {
    return this.source.onError(listener);
  }

  stop(): Promise<void> {
    return this.source.stop();
  }
}
