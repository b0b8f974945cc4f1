/**
 * Puts an in-memory Transport (the simulator) behind a serial port: bytes the port receives go to
 * the transport, bytes the transport emits go out of the port. With one end of a pty pair here,
 * code that opens the other end through serialport talks to the simulator as to a real arm.
 */
import { SerialTransport } from "./serial-transport.js";
import type { SerialOpenOptions } from "./serial-transport.js";
import type { Transport } from "./transport.js";

/** A running bridge from bridgeToSerial. */
export interface SerialBridge {
  /** Stop piping and close the serial port; the transport stays open (it is the caller's). */
  close(): Promise<void>;
}

/**
 * Pipe `transport` (usually a SimulatedChain) to the serial port at `path`, both ways, until
 * either side closes or close() is called. Resolves once the port is open.
 * @throws TransportError when the port cannot be opened.
 */
export async function bridgeToSerial(transport: Transport, path: string, options: SerialOpenOptions = {}): Promise<SerialBridge> {
  const serial = await SerialTransport.open(path, options);
  const unsubscribe = [pipe(serial, transport), pipe(transport, serial)];
  const close = async (): Promise<void> => {
    for (const off of unsubscribe.splice(0)) off();
    await serial.close();
  };
  // Either side going away ends the bridge; nothing would carry the bytes any more.
  unsubscribe.push(serial.onClose(() => void close()), transport.onClose(() => void close()));
  return { close };
}

/** Forward every chunk, one write after the other so the order holds whatever `to` does. */
function pipe(from: Transport, to: Transport): () => void {
  let queue = Promise.resolve();
  return from.onData((chunk) => {
    queue = queue.then(() => to.write(chunk)).catch(() => {
      // A failed write means `to` is closing; its onClose ends the bridge.
    });
  });
}
