/**
 * A named pipe (FIFO) that ffmpeg writes raw frames into and the camera reads straight into its
 * frame buffers.
 *
 * Why not ffmpeg's stdout: Node reads a child's pipe in 64 KB chunks, each a fresh Buffer. Two
 * 640x480 cameras at 30 fps are 55 MB/s of such chunks, and the external memory makes V8 run a
 * full collection every ~0.5 s on the thread the recorder's clock runs on (5-50 ms each under
 * load). A socket opened on the FIFO with `onread` has libuv read into a buffer we choose (the
 * rest of the frame being filled): no allocation per read, no copy.
 *
 * The FIFO is opened read-write, so the open never blocks and the reader never sees an end of
 * file while ffmpeg starts or after it exits: the camera learns of ffmpeg's exit from the process.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface FrameFifo {
  /** Where ffmpeg writes (its output file). */
  readonly path: string;
  /**
   * Start reading: `buffer()` says where the next bytes go, `onBytes(n)` is told how many landed
   * there and returns false to pause reading (resume() goes on).
   */
  read(buffer: () => Uint8Array, onBytes: (n: number) => boolean): void;
  resume(): void;
  /** Stop reading, close the pipe and remove it. */
  close(): void;
}

/** A FIFO in a fresh temp folder, or undefined where named pipes cannot be made (Windows, no mkfifo). */
export function makeFrameFifo(name: string): FrameFifo | undefined {
  if (process.platform === "win32") return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lerobot-ts-camera-"));
  const fifoPath = path.join(dir, `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.rgb`);
  try {
    execFileSync("mkfifo", ["-m", "600", fifoPath], { stdio: "ignore" });
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  let socket: net.Socket | undefined;
  return {
    path: fifoPath,
    read(buffer, onBytes) {
      const fd = fs.openSync(fifoPath, fs.constants.O_RDWR);
      // Node's Socket constructor takes `onread` (lib/net.js); @types/node lists it for connect() only.
      const onread: net.OnReadOpts = { buffer, callback: (n: number) => onBytes(n) };
      socket = new net.Socket({ fd, readable: true, writable: false, onread } as net.SocketConstructorOpts);
      // A read error ends the socket; the camera reports ffmpeg's exit, which comes with it.
      socket.on("error", () => {});
    },
    resume: () => { socket?.resume(); },
    close() {
      socket?.destroy();
      socket = undefined;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
