/** The bytes a Transport receives, collected until a count is reached (for tests of serial links). */
import type { Transport } from "../../src/hardware/transport.js";

/** Resolves with the first `count` bytes the transport receives. */
export function receive(transport: Transport, count: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(count);
  let received = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`received ${received} of ${count} bytes`)), 5000);
    const off = transport.onData((chunk) => {
      bytes.set(chunk.subarray(0, count - received), received);
      received += Math.min(chunk.length, count - received);
      if (received < count) return;
      clearTimeout(timer);
      off();
      resolve(bytes);
    });
  });
}
