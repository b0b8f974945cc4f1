/**
 * A camera as the record loop sees it: started once, then asked for its latest frame at every
 * tick. A camera never blocks the loop: `latest()` returns what it has at once.
 */

/** LeRobot's camera config (the values of `--robot.cameras`), plus `synthetic` and `v4l2`. */
export interface CameraConfig {
  /** "opencv" (LeRobot's name: the platform's capture device), "v4l2", or "synthetic". */
  type: string;
  /** Device index (0 -> /dev/video0 on Linux) or path/name; not used by synthetic cameras. */
  index_or_path?: number | string;
  width: number;
  height: number;
  fps: number;
  /** Pixel format asked of the device (e.g. "mjpeg" for USB bandwidth); the device's default otherwise. */
  input_format?: string;
  [key: string]: unknown;
}

/** One RGB frame from Camera.latest(). */
export interface CameraFrame {
  /** height x width x 3 RGB bytes. Owned by the caller until the next `latest()` call. */
  data: Uint8Array;
  /** Frames this camera has delivered before this one (0 for the first). */
  sequence: number;
  /** performance.now() when the frame was complete. */
  receivedAtMs: number;
}

/**
 * A started camera the record loop polls once a tick (LeRobot's Camera.async_read, without the
 * wait): FfmpegCamera, SyntheticCamera, or a user's own object of this shape.
 */
export interface Camera {
  /** The observation name: `observation.images.<name>`. */
  readonly name: string;
  /** Frame width in pixels. */
  readonly width: number;
  /** Frame height in pixels. */
  readonly height: number;
  /** Frames per second asked of the source. */
  readonly fps: number;
  /** Resolves once the first frame has arrived (or rejects with a clear error). */
  start(): Promise<void>;
  /** The newest complete frame, or undefined before the first. Never waits. */
  latest(): CameraFrame | undefined;
  /** Called once if the camera stops delivering (process died, device gone, no frame for too long). */
  onError(listener: (error: Error) => void): () => void;
  /** Stop capturing and release the device (ends ffmpeg); safe to call twice. */
  stop(): Promise<void>;
}

/** A camera failed; the message names it and says what a user can try. */
export class CameraError extends Error {
  override name = "CameraError";
  constructor(message: string, readonly camera: string) {
    super(message);
  }
}
