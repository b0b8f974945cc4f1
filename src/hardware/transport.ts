/**
 * A byte pipe to a chain of servos: a serial port (SerialTransport, through `serialport`) or the
 * simulator (SimulatedChain). The Feetech bus only ever talks to this interface.
 */
export interface Transport {
  /** The port path (`/dev/ttyACM0`, `COM3`) or `sim`. */
  readonly path: string;
  /** Bits per second on the line. */
  readonly baudRate: number;
  /** False once closed or lost. */
  readonly isOpen: boolean;
  /** Send bytes; resolves when they are handed to the line. */
  write(bytes: Uint8Array): Promise<void>;
  /** Listen to bytes arriving from the line; returns the function that stops listening. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Called once when the transport closes, with the error when it was lost (cable pulled). */
  onClose(listener: (error?: Error) => void): () => void;
  /** Discard input not read yet (stale replies from an earlier timeout). */
  flush(): Promise<void>;
  /** Close the transport; calling it again does nothing. */
  close(): Promise<void>;
}

/** The transport could not be opened or was lost; `hint` says what a user can do. */
export class TransportError extends Error {
  override name = "TransportError";
  constructor(
    message: string,
    readonly path: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(hint ? `${message} (${hint})` : message, options);
  }
}
