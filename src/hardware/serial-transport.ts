/**
 * The Transport over a real serial port (a USB serial adapter, or one end of a pty pair), through
 * `serialport`. 8N1 at 1 Mbps by default, as the Feetech bus of SO-100/SO-101 arms runs.
 */
import fs from "node:fs";
import { promisify } from "node:util";
import { SerialPort } from "serialport";
import { TransportError } from "./transport.js";
import type { Transport } from "./transport.js";

/** The SO-100/SO-101 bus rate (LeRobot's default baudrate). */
export const DEFAULT_BAUD_RATE = 1_000_000;

/** Options of SerialTransport.open. */
export interface SerialOpenOptions {
  /** Bits per second; default 1 000 000. */
  baudRate?: number;
}

/**
 * The Transport over a serial port, 8N1 (see Transport for the methods). A write to a port that
 * was closed or lost rejects with TransportError; so do flush and close when the OS fails them.
 */
export class SerialTransport implements Transport {
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners = new Set<(error?: Error) => void>();
  private closed = false;
  private closeError: TransportError | undefined;
  /** close() was called: a later write is a usage mistake, not a lost cable. */
  private closedByCaller = false;

  private constructor(private readonly port: SerialPort) {
    // A 'data' listener keeps the port reading, which is also how a pulled cable is noticed.
    port.on("data", (chunk: Buffer) => {
      for (const listener of this.dataListeners) listener(chunk);
    });
    port.on("close", (error: Error | null) => this.finish(error ? lostError(this.path, error) : undefined));
    port.on("error", (error: Error) => {
      this.finish(lostError(this.path, error));
      if (port.isOpen) port.close(() => {});
    });
  }

  /**
   * Open `path` (`/dev/ttyACM0`, `COM3`, a pty) and start reading it.
   * @throws TransportError when the port does not exist, is busy or is not permitted; its hint says what to do.
   */
  static async open(path: string, { baudRate = DEFAULT_BAUD_RATE }: SerialOpenOptions = {}): Promise<SerialTransport> {
    const options = { path, baudRate, dataBits: 8 as const, parity: "none" as const, stopBits: 1 as const, autoOpen: false, binding: hangupSafeBinding };
    const port = new SerialPort(options);
    await new Promise<void>((resolve, reject) => {
      port.open((error) => (error ? reject(openError(path, error)) : resolve()));
    });
    return new SerialTransport(port);
  }

  get path(): string {
    return this.port.path;
  }

  get baudRate(): number {
    return this.port.baudRate;
  }

  get isOpen(): boolean {
    return !this.closed && this.port.isOpen;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen) {
      // Closed under us before its close event came (a pulled cable): say disconnected, as the event will.
      throw this.closeError ?? (this.closedByCaller ? new TransportError(`port ${this.path} is closed`, this.path) : lostError(this.path, new Error("the port closed")));
    }
    // Copied: the caller may reuse its array while the bytes wait in the stream's queue.
    const buffer = Buffer.from(bytes);
    // The write callback fires once these bytes reached the OS; drain then waits for the line.
    await new Promise<void>((resolve, reject) => {
      this.port.write(buffer, (error) => (error ? reject(lostError(this.path, error)) : resolve()));
    });
    await new Promise<void>((resolve, reject) => {
      this.port.drain((error) => (error ? reject(lostError(this.path, error)) : resolve()));
    });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    if (this.closed) {
      // Registered after the fact: still tell it, as the close happened before it listened.
      const error = this.closeError;
      queueMicrotask(() => listener(error));
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  async flush(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.port.flush((error) => (error ? reject(lostError(this.path, error)) : resolve()));
    });
  }

  async close(): Promise<void> {
    this.closedByCaller = true;
    if (this.closed || !this.port.isOpen) return;
    await new Promise<void>((resolve, reject) => {
      this.port.close((error) => (error ? reject(lostError(this.path, error)) : resolve()));
    });
  }

  private finish(error: TransportError | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.closeError = error;
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    this.dataListeners.clear();
    for (const listener of listeners) listener(error);
  }
}

function lostError(path: string, cause: Error): TransportError {
  return new TransportError(`port ${path} disconnected: ${bareMessage(cause)}`, path, "check the USB cable and the arm's power, then open it again", { cause });
}

/** One line and a hint for the ways opening a port usually fails. */
function openError(path: string, cause: Error): TransportError {
  const code = (cause as NodeJS.ErrnoException).code;
  const message = cause.message;
  if (code === "ENOENT" || /no such file or directory|file not found|cannot find the file/i.test(message)) {
    return new TransportError(`port ${path} does not exist`, path, "run `lerobot-ts find-port` to see which port the arm is on", { cause });
  }
  // On Windows "Access denied" is what a port held by another program answers.
  const busy = /cannot lock port|resource busy|EBUSY/i.test(message) || (process.platform === "win32" && /access denied/i.test(message));
  if (code === "EBUSY" || busy) {
    return new TransportError(`port ${path} is in use by another program`, path, "close the other program using it (another lerobot-ts, LeRobot, a serial monitor) and try again", { cause });
  }
  if (code === "EACCES" || /permission denied|EACCES/i.test(message)) {
    const hint =
      process.platform === "linux"
        ? "add yourself to the dialout group: `sudo usermod -aG dialout $USER`, then log out and in"
        : `check that your user may read and write ${path}`;
    return new TransportError(`permission denied opening port ${path}`, path, hint, { cause });
  }
  return new TransportError(`cannot open port ${path}: ${bareMessage(cause)}`, path, undefined, { cause });
}

/** The bindings prefix their messages with "Error:"/"Error"; the TransportError says enough. */
function bareMessage(error: Error): string {
  return error.message.replace(/^Error:?\s*/, "");
}

type Binding = typeof SerialPort.binding;
type PortBinding = Awaited<ReturnType<Binding["open"]>>;

/** What the Unix bindings (Linux, macOS) have besides the common interface. */
interface UnixPortBinding {
  fd: number | null;
  poller: { once(event: "readable", callback: (error: Error | null) => void): unknown };
  read: PortBinding["read"];
}

const readFd = promisify(fs.read);

// Its open() is typed as a union over the platforms; SerialPort hands it this platform's options.
const detected = SerialPort.binding as unknown as { open(options: never): Promise<PortBinding> };

/**
 * serialport's Unix read retries a zero-byte read at once and forever, but a tty reads zero bytes
 * only once it hung up (the USB device is gone): it spins and never reports the loss
 * (serialport/bindings-cpp#162). This binding's ports read the same way but call that a disconnect.
 */
const hangupSafeBinding = {
  list: () => SerialPort.binding.list(),
  async open(options: never): Promise<PortBinding> {
    const port = await detected.open(options);
    if ("poller" in port && "fd" in port) {
      const unix = port as unknown as UnixPortBinding;
      unix.read = (buffer, offset, length) => readUnlessHungUp(unix, buffer, offset, length);
    }
    return port;
  },
} as Binding;

async function readUnlessHungUp(port: UnixPortBinding, buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    if (port.fd === null) throw closedWhileReading();
    try {
      const { bytesRead } = await readFd(port.fd, buffer, offset, length, null);
      if (bytesRead > 0) return { buffer, bytesRead };
      throw new Error("the device hung up"); // not retried below: it has no errno code
    } catch (error) {
      // The port is non-blocking: no data yet is EAGAIN, and then it waits below for some.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EAGAIN" && code !== "EWOULDBLOCK" && code !== "EINTR") throw error;
    }
    // Closed during the read: its poller is destroyed, and polling that one aborts the process.
    if (port.fd === null) throw closedWhileReading();
    await new Promise<void>((resolve, reject) => port.poller.once("readable", (error) => (error ? reject(error) : resolve())));
  }
}

/** `canceled` tells the stream this is a close, not a disconnect. */
function closedWhileReading(): Error {
  return Object.assign(new Error("Port is not open"), { canceled: true });
}
