/**
 * The Feetech SCS/STS serial protocol (protocol 0, as STS3215 servos speak it), byte for byte:
 * instruction packets `FF FF ID LEN INSTR PARAMS CHK`, status packets `FF FF ID LEN ERR PARAMS CHK`,
 * LEN = params + 2, CHK = ~(ID + LEN + INSTR/ERR + sum(params)) & 0xFF. Words are little-endian.
 */

export const HEADER = 0xff;
export const BROADCAST_ID = 0xfe;
export const MAX_ID = 0xfc;

export const Instruction = {
  PING: 0x01,
  READ: 0x02,
  WRITE: 0x03,
  REG_WRITE: 0x04,
  ACTION: 0x05,
  SYNC_READ: 0x82,
  SYNC_WRITE: 0x83,
} as const;
export type InstructionCode = (typeof Instruction)[keyof typeof Instruction];

/** Status error bits (the ERR byte of a status packet). */
export const StatusError = {
  VOLTAGE: 0x01,
  ANGLE: 0x02,
  OVERHEAT: 0x04,
  OVERCURRENT: 0x08,
  OVERLOAD: 0x20,
} as const;

const ERROR_NAMES: [number, string][] = [
  [StatusError.VOLTAGE, "input voltage error"],
  [StatusError.ANGLE, "angle sensor error"],
  [StatusError.OVERHEAT, "overheat"],
  [StatusError.OVERCURRENT, "over-current"],
  [StatusError.OVERLOAD, "overload"],
];

/** Human names of the bits set in a status error byte. */
export function describeStatusError(error: number): string[] {
  const names = ERROR_NAMES.filter(([bit]) => error & bit).map(([, name]) => name);
  const unknown = error & ~ERROR_NAMES.reduce((m, [bit]) => m | bit, 0);
  if (unknown) names.push(`unknown error bits 0x${unknown.toString(16)}`);
  return names;
}

export function checksum(bytes: ArrayLike<number>, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += bytes[i]!;
  return ~sum & 0xff;
}

/** An instruction packet (host -> servos). */
export function buildPacket(id: number, instruction: number, params: ArrayLike<number> = []): Uint8Array {
  if (params.length > 250) throw new RangeError(`a Feetech packet holds at most 250 parameter bytes, got ${params.length}`);
  const packet = new Uint8Array(params.length + 6);
  packet[0] = HEADER;
  packet[1] = HEADER;
  packet[2] = id;
  packet[3] = params.length + 2;
  packet[4] = instruction;
  packet.set(params, 5);
  packet[packet.length - 1] = checksum(packet, 2, packet.length - 1);
  return packet;
}

/** A status packet (servo -> host); the simulator builds these. Same layout, ERR in place of INSTR. */
export function buildStatusPacket(id: number, error: number, params: ArrayLike<number> = []): Uint8Array {
  return buildPacket(id, error, params);
}

export interface Packet {
  id: number;
  /** INSTR for instruction packets, ERR for status packets. */
  code: number;
  params: Uint8Array;
}

/**
 * Splits a byte stream into packets. Garbage before a header, a length that cannot be, and a bad
 * checksum are skipped one byte at a time, so the parser finds the next real packet (a servo
 * that answers late or a glitch on the line costs one packet, never the stream).
 */
export class PacketParser {
  private buffer = new Uint8Array(0);
  /** Bytes discarded while resynchronising, and packets dropped for a bad checksum. */
  discardedBytes = 0;
  badChecksums = 0;

  constructor(private readonly onPacket: (packet: Packet) => void) {}

  push(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    let pos = 0;
    while (joined.length - pos >= 6) {
      if (joined[pos] !== HEADER || joined[pos + 1] !== HEADER) {
        pos++;
        this.discardedBytes++;
        continue;
      }
      const id = joined[pos + 2]!;
      const length = joined[pos + 3]!;
      // FF FF FF ...: a third header byte means the real header starts one later.
      if (id === HEADER || length < 2) {
        pos++;
        this.discardedBytes++;
        continue;
      }
      const total = length + 4;
      if (joined.length - pos < total) break; // partial packet: wait for the rest
      const end = pos + total;
      if (checksum(joined, pos + 2, end - 1) !== joined[end - 1]) {
        this.badChecksums++;
        pos++;
        this.discardedBytes++;
        continue;
      }
      this.onPacket({ id, code: joined[pos + 4]!, params: joined.slice(pos + 5, end - 1) });
      pos = end;
    }
    this.buffer = joined.slice(pos);
  }

  /** Drop whatever is buffered (before a new transaction). */
  reset(): void {
    this.buffer = new Uint8Array(0);
  }

  get pending(): number {
    return this.buffer.length;
  }
}

/** Little-endian bytes of an unsigned value of 1, 2 or 4 bytes. */
export function toBytes(value: number, size: 1 | 2 | 4): number[] {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * size)) {
    throw new RangeError(`value ${value} does not fit in ${size} unsigned byte(s)`);
  }
  const out: number[] = [];
  for (let i = 0; i < size; i++) out.push((value >>> (8 * i)) & 0xff);
  return out;
}

export function fromBytes(bytes: ArrayLike<number>, offset: number, size: number): number {
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = value * 256 + bytes[offset + i]!;
  return value;
}

/**
 * Time the line needs to carry `bytes` at `baudRate` (10 bits a byte: start, 8 data, stop), in ms.
 */
export function transferMs(bytes: number, baudRate: number): number {
  return (bytes * 10 * 1000) / baudRate;
}
