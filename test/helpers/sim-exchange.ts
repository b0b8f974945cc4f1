/**
 * Talking to a simulated servo chain as a host does, in raw packets: send one instruction packet,
 * collect the status packets (and the exact bytes) that come back. Shared by the tests of the
 * simulated chain, servo and hand.
 */
import { expect } from "vitest";
import { CONTROL_TABLE, decodeSignMagnitude } from "../../src/hardware/feetech/control-table.js";
import { BROADCAST_ID, Instruction, PacketParser, buildPacket, buildStatusPacket, fromBytes, toBytes } from "../../src/hardware/feetech/protocol.js";
import type { Packet } from "../../src/hardware/feetech/protocol.js";
import { SimulatedChain } from "../../src/hardware/sim/chain.js";
import { eventLoopTurns } from "./wait.js";

export const SO101_IDS = [1, 2, 3, 4, 5, 6];

export interface Exchange {
  packets: Packet[];
  bytes: number[];
  parser: PacketParser;
}

/**
 * Send one packet; collect what comes back until `expected` packets arrived. A chain without
 * realTiming replies on the next turn of the event loop, so fewer replies (a silent servo) end the
 * exchange after a few turns, whatever the machine's load; with realTiming, pass `timeoutMs`.
 */
export function exchange(chain: SimulatedChain, packet: Uint8Array, expected: number, timeoutMs?: number): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const packets: Packet[] = [];
    const bytes: number[] = [];
    let finished = false;
    const parser = new PacketParser((p) => {
      packets.push(p);
      if (packets.length === expected) done();
    });
    const stop = chain.onData((chunk) => {
      bytes.push(...chunk);
      parser.push(chunk);
    });
    const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
    function done() {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      stop();
      resolve({ packets, bytes, parser });
    }
    chain.write(packet).then(() => (timeoutMs === undefined ? eventLoopTurns(3).then(done) : undefined), reject);
  });
}

export const ping = (id: number) => buildPacket(id, Instruction.PING);
export const read = (id: number, address: number, length: number) => buildPacket(id, Instruction.READ, [address, length]);
export const write = (id: number, address: number, data: number[]) => buildPacket(id, Instruction.WRITE, [address, ...data]);
export const syncRead = (address: number, length: number, ids = SO101_IDS) => buildPacket(BROADCAST_ID, Instruction.SYNC_READ, [address, length, ...ids]);
export const syncWrite = (address: number, length: number, values: Record<number, number[]>) =>
  buildPacket(BROADCAST_ID, Instruction.SYNC_WRITE, [address, length, ...Object.entries(values).flatMap(([id, data]) => [Number(id), ...data])]);
/** The empty status packet a servo acknowledges with. */
export const ack = (id: number) => [...buildStatusPacket(id, 0)];
/** A 2-byte register value, little-endian. */
export const word = (value: number) => toBytes(value, 2);

/** One 2-byte register of one servo, read with a READ packet (raw, sign not decoded). */
export async function readWord(chain: SimulatedChain, id: number, address: number): Promise<number> {
  const { packets } = await exchange(chain, read(id, address, 2), 1);
  return fromBytes(packets[0]!.params, 0, 2);
}

/** Present_Position of the six SO-101 servos, with one SYNC_READ, sign decoded. */
export async function presentPositions(chain: SimulatedChain): Promise<number[]> {
  const { packets } = await exchange(chain, syncRead(CONTROL_TABLE.Present_Position.address, 2), 6);
  expect(packets.map((p) => p.id)).toEqual(SO101_IDS);
  return packets.map((p) => decodeSignMagnitude(fromBytes(p.params, 0, 2), 15));
}

/** A simulated SO-101 on a clock the test moves by hand (`clock.ms += 100`). */
export function clockedChain(options: { realTiming?: boolean } = {}) {
  const clock = { ms: 0 };
  const chain = SimulatedChain.so101({ ...options, now: () => clock.ms });
  return { clock, chain };
}
