/**
 * The simulated STS3215 chain as a host sees it: raw instruction packets in, status packets out,
 * byte for byte; motion on an injected clock; fault injection; and the scripted hand.
 */
import { describe, expect, it } from "vitest";
import { CONTROL_TABLE, decodeSignMagnitude } from "../../../src/hardware/feetech/control-table.js";
import { BROADCAST_ID, Instruction, PacketParser, StatusError, buildPacket, buildStatusPacket, fromBytes, toBytes } from "../../../src/hardware/feetech/protocol.js";
import type { Packet } from "../../../src/hardware/feetech/protocol.js";
import { SO101_JOINTS, SimulatedChain, SimulatedHand } from "../../../src/hardware/sim/index.js";

const IDS = [1, 2, 3, 4, 5, 6];
const { Lock, Goal_Position, Present_Position, Torque_Enable, Acceleration, Min_Position_Limit, Max_Position_Limit, Homing_Offset, Model_Number } = CONTROL_TABLE;

interface Exchange {
  packets: Packet[];
  bytes: number[];
  parser: PacketParser;
}

/** Send one packet; collect what comes back until `expected` packets arrived or `timeoutMs` passed. */
function exchange(chain: SimulatedChain, packet: Uint8Array, expected: number, timeoutMs = 30): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const packets: Packet[] = [];
    const bytes: number[] = [];
    const parser = new PacketParser((p) => {
      packets.push(p);
      if (packets.length === expected) done();
    });
    const stop = chain.onData((chunk) => {
      bytes.push(...chunk);
      parser.push(chunk);
    });
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      stop();
      resolve({ packets, bytes, parser });
    }
    chain.write(packet).catch(reject);
  });
}

const ping = (id: number) => buildPacket(id, Instruction.PING);
const read = (id: number, address: number, length: number) => buildPacket(id, Instruction.READ, [address, length]);
const write = (id: number, address: number, data: number[]) => buildPacket(id, Instruction.WRITE, [address, ...data]);
const syncRead = (address: number, length: number, ids = IDS) => buildPacket(BROADCAST_ID, Instruction.SYNC_READ, [address, length, ...ids]);
const syncWrite = (address: number, length: number, values: Record<number, number[]>) =>
  buildPacket(BROADCAST_ID, Instruction.SYNC_WRITE, [address, length, ...Object.entries(values).flatMap(([id, data]) => [Number(id), ...data])]);
const ack = (id: number) => [...buildStatusPacket(id, 0)];
const word = (value: number) => toBytes(value, 2);

async function readWord(chain: SimulatedChain, id: number, address: number): Promise<number> {
  const { packets } = await exchange(chain, read(id, address, 2), 1);
  return fromBytes(packets[0]!.params, 0, 2);
}

async function presentPositions(chain: SimulatedChain): Promise<number[]> {
  const { packets } = await exchange(chain, syncRead(Present_Position.address, 2), 6);
  expect(packets.map((p) => p.id)).toEqual(IDS);
  return packets.map((p) => decodeSignMagnitude(fromBytes(p.params, 0, 2), 15));
}

function clocked(options: { realTiming?: boolean } = {}) {
  const clock = { ms: 0 };
  const chain = SimulatedChain.so101({ ...options, now: () => clock.ms });
  return { clock, chain };
}

describe("SimulatedChain: packets", () => {
  it("answers a ping with an empty status packet", async () => {
    const { chain } = clocked();
    const { bytes } = await exchange(chain, ping(1), 1);
    expect(bytes).toEqual([0xff, 0xff, 0x01, 0x02, 0x00, 0xfc]);
  });

  it("reads Model_Number as 777 little-endian", async () => {
    const { chain } = clocked();
    const { bytes } = await exchange(chain, read(3, Model_Number.address, 2), 1);
    expect(bytes).toEqual([0xff, 0xff, 0x03, 0x04, 0x00, 0x09, 0x03, 0xec]);
  });

  it("acknowledges a write and stores it; with Response_Status_Level 0 only ping and read answer", async () => {
    const { chain } = clocked();
    expect((await exchange(chain, write(2, Acceleration.address, [254]), 1)).bytes).toEqual(ack(2));
    expect(chain.servo(2).readRegister("Acceleration")).toBe(254);

    chain.servo(2).writeRegister("Lock", 0);
    chain.servo(2).writeRegister("Response_Status_Level", 0);
    expect((await exchange(chain, write(2, Acceleration.address, [100]), 1)).bytes).toEqual([]);
    expect(chain.servo(2).readRegister("Acceleration")).toBe(100);
    expect((await exchange(chain, ping(2), 1)).bytes).toEqual(ack(2));
    expect((await exchange(chain, read(2, Acceleration.address, 1), 1)).bytes).toEqual([...buildStatusPacket(2, 0, [100])]);
  });

  it("refuses EEPROM writes while Lock is 1 (still acknowledging them) and accepts them when Lock is 0", async () => {
    const { chain } = clocked();
    expect((await exchange(chain, write(1, Min_Position_Limit.address, word(500)), 1)).bytes).toEqual(ack(1));
    expect(await readWord(chain, 1, Min_Position_Limit.address)).toBe(0);

    expect((await exchange(chain, write(1, Lock.address, [0]), 1)).bytes).toEqual(ack(1));
    expect((await exchange(chain, write(1, Min_Position_Limit.address, word(500)), 1)).bytes).toEqual(ack(1));
    expect(await readWord(chain, 1, Min_Position_Limit.address)).toBe(500);
  });

  it("ignores writes to read-only registers", async () => {
    const { chain } = clocked();
    await exchange(chain, write(1, Lock.address, [0]), 1);
    expect((await exchange(chain, write(1, Present_Position.address, word(1234)), 1)).bytes).toEqual(ack(1));
    expect((await exchange(chain, write(1, Model_Number.address, word(1)), 1)).bytes).toEqual(ack(1));
    expect(await readWord(chain, 1, Present_Position.address)).toBe(2010);
    expect(await readWord(chain, 1, Model_Number.address)).toBe(777);
  });

  it("sync-reads Present_Position of ids 1..6: six status packets in list order", async () => {
    const { chain } = clocked();
    const { bytes, packets } = await exchange(chain, syncRead(Present_Position.address, 2), 6);
    expect(packets).toHaveLength(6);
    expect(bytes).toEqual(SO101_JOINTS.flatMap(({ id, rest }) => [...buildStatusPacket(id, 0, word(rest))]));
    const reversed = await exchange(chain, syncRead(Present_Position.address, 2, [6, 2]), 2);
    expect(reversed.packets.map((p) => p.id)).toEqual([6, 2]);
  });

  it("finds the six servos with a broadcast ping, in id order", async () => {
    const { chain } = clocked();
    const { bytes } = await exchange(chain, ping(BROADCAST_ID), 6);
    expect(bytes).toEqual(IDS.flatMap(ack));
  });

  it("ignores an instruction with a bad checksum and answers the next good one", async () => {
    const { chain } = clocked();
    const bad = ping(1);
    bad.set([bad.at(-1)! ^ 0x01], bad.length - 1);
    expect((await exchange(chain, bad, 1)).bytes).toEqual([]);
    expect((await exchange(chain, ping(1), 1)).bytes).toEqual(ack(1));
  });

  it("survives odd packets: over-long, short, unknown, or a broadcast READ", async () => {
    const { chain } = clocked();
    expect((await exchange(chain, read(1, 0, 255), 1)).packets[0]!.params).toHaveLength(250);
    expect((await exchange(chain, buildPacket(1, Instruction.READ, [56]), 1)).bytes).toEqual([]);
    expect((await exchange(chain, buildPacket(1, 0x42, [1, 2]), 1)).bytes).toEqual([]);
    expect((await exchange(chain, read(BROADCAST_ID, 56, 2), 1)).bytes).toEqual([]);
    expect((await exchange(chain, ping(1), 1)).bytes).toEqual(ack(1));
  });

  it("holds a REG_WRITE until ACTION", async () => {
    const { chain } = clocked();
    for (const id of [1, 2]) {
      const { bytes } = await exchange(chain, buildPacket(id, Instruction.REG_WRITE, [Acceleration.address, 50]), 1);
      expect(bytes).toEqual(ack(id));
    }
    expect(chain.servo(1).readRegister("Acceleration")).toBe(0);
    expect((await exchange(chain, buildPacket(BROADCAST_ID, Instruction.ACTION), 1)).bytes).toEqual([]);
    expect([1, 2, 3].map((id) => chain.servo(id).readRegister("Acceleration"))).toEqual([50, 50, 0]);
  });

  it("answers a write of ID from the old id, then under the new one", async () => {
    const { chain } = clocked();
    await exchange(chain, write(6, Lock.address, [0]), 1);
    expect((await exchange(chain, write(6, CONTROL_TABLE.ID.address, [9]), 1)).bytes).toEqual(ack(6));
    expect((await exchange(chain, ping(6), 1)).bytes).toEqual([]);
    expect((await exchange(chain, ping(9), 1)).bytes).toEqual(ack(9));
  });
});

describe("SimulatedServo: motion and frames", () => {
  it("moves towards sync-written goals on the injected clock (sync write has no reply)", async () => {
    const { clock, chain } = clocked();
    const start = SO101_JOINTS.map((j) => j.rest);
    const goals = start.map((p, i) => p + [600, 600, -600, -600, 600, 600][i]!);
    const syncSet = (address: number, size: 1 | 2, values: number[]) =>
      syncWrite(address, size, Object.fromEntries(IDS.map((id, i) => [id, toBytes(values[i]!, size)])));

    expect((await exchange(chain, syncSet(Acceleration.address, 1, IDS.map(() => 254)), 1)).bytes).toEqual([]);
    expect((await exchange(chain, syncSet(Goal_Position.address, 2, goals), 1)).bytes).toEqual([]);
    expect((await exchange(chain, syncSet(Torque_Enable.address, 1, IDS.map(() => 1)), 1)).bytes).toEqual([]);

    clock.ms += 100;
    const early = await presentPositions(chain);
    early.forEach((p, i) => {
      expect(Math.abs(p - start[i]!)).toBeGreaterThan(20);
      expect(Math.abs(p - start[i]!)).toBeLessThan(600);
      expect(Math.sign(p - start[i]!)).toBe(Math.sign(goals[i]! - start[i]!));
    });
    expect(chain.servo(1).readRegister("Moving")).toBe(1);
    expect(Math.abs(chain.servo(1).readRegister("Present_Velocity"))).toBeGreaterThan(1000);

    clock.ms += 100;
    const later = await presentPositions(chain);
    later.forEach((p, i) => expect(Math.abs(goals[i]! - p)).toBeLessThan(Math.abs(goals[i]! - early[i]!)));

    clock.ms += 1000;
    expect(await presentPositions(chain)).toEqual(goals);
    expect(chain.servo(1).readRegister("Moving")).toBe(0);
    expect(chain.servo(1).readRegister("Present_Velocity")).toBe(0);
  });

  it("reaches the goal at ~3000 steps/s, on the same trajectory however often it is polled", () => {
    const traces = [1, 7, 70].map((pollMs) => {
      const clock = { ms: 0 };
      const servo = SimulatedChain.so101({ now: () => clock.ms }).servo(5);
      servo.writeRegister("Goal_Position", 2120 + 1500);
      servo.writeRegister("Torque_Enable", 1);
      const trace: number[] = [];
      for (clock.ms = pollMs; clock.ms <= 700; clock.ms += pollMs) {
        const present = servo.readRegister("Present_Position");
        if (clock.ms % 70 === 0) trace.push(present);
      }
      return trace;
    });
    expect(traces[0]).toEqual(traces[2]);
    expect(traces[1]).toEqual(traces[2]);
    // no acceleration ramp (Acceleration 0): 1500 steps at 3000 steps/s take 500 ms
    expect(traces[2]![0]).toBe(2120 + 210);
    expect(traces[2]![6]).toBe(2120 + 1470);
    expect(traces[2]![7]).toBe(2120 + 1500);
  });

  it("holds where it is when torque comes on without a goal ever written, and then resists the outside world", () => {
    const { clock, chain } = clocked();
    const servo = chain.servo(3);
    expect(servo.setActualPosition(2500)).toBe(true);
    servo.writeRegister("Torque_Enable", 1);
    clock.ms += 1000;
    expect(servo.readRegister("Goal_Position")).toBe(2500);
    expect(servo.readRegister("Present_Position")).toBe(2500);
    expect(servo.setActualPosition(1000)).toBe(false);
    expect(servo.actualPosition).toBe(2500);
  });

  it("reports Present_Position = actual - Homing_Offset, sign-magnitude when negative, and takes goals in that frame", async () => {
    const { clock, chain } = clocked();
    await exchange(chain, write(1, Lock.address, [0]), 1);
    await exchange(chain, write(1, Homing_Offset.address, word(2047)), 1);
    const negative = await exchange(chain, read(1, Present_Position.address, 2), 1);
    expect(negative.bytes).toEqual([...buildStatusPacket(1, 0, [2047 - 2010, 0x80])]); // -37
    expect(chain.servo(1).readRegister("Present_Position")).toBe(-37);

    await exchange(chain, write(1, Homing_Offset.address, word(0x800 | 100)), 1); // -100
    expect(await readWord(chain, 1, Present_Position.address)).toBe(2110);

    await exchange(chain, write(1, Goal_Position.address, word(1000)), 1);
    await exchange(chain, write(1, Torque_Enable.address, [1]), 1);
    clock.ms += 1000;
    expect(chain.servo(1).actualPosition).toBe(900);
    expect(await readWord(chain, 1, Present_Position.address)).toBe(1000);
  });

  it("clamps goals to Min/Max_Position_Limit (in the Present frame)", async () => {
    const { clock, chain } = clocked();
    const servo = chain.servo(1);
    await exchange(chain, write(1, Lock.address, [0]), 1);
    await exchange(chain, write(1, Min_Position_Limit.address, word(1500)), 1);
    await exchange(chain, write(1, Max_Position_Limit.address, word(2500)), 1);
    await exchange(chain, write(1, Homing_Offset.address, word(100)), 1);
    await exchange(chain, write(1, Goal_Position.address, word(3000)), 1);
    await exchange(chain, write(1, Torque_Enable.address, [1]), 1);
    clock.ms += 1000;
    expect(servo.readRegister("Present_Position")).toBe(2500);
    expect(servo.actualPosition).toBe(2600);
    await exchange(chain, write(1, Goal_Position.address, word(100)), 1);
    clock.ms += 1000;
    expect(servo.readRegister("Present_Position")).toBe(1500);
  });

  it("stops at a mechanical stop and reports the load of pushing against it", () => {
    const { clock, chain } = clocked();
    const gripper = chain.servo(6);
    gripper.writeRegister("Goal_Position", 1000); // below the closed stop at 1990
    gripper.writeRegister("Torque_Enable", 1);
    clock.ms += 1000;
    expect(gripper.actualPosition).toBe(1990);
    expect(gripper.readRegister("Moving")).toBe(0);
    expect(gripper.readRegister("Present_Load")).toBe(-495);
    expect(gripper.readRegister("Present_Current")).toBeGreaterThan(100);
  });
});

describe("SimulatedChain: faults and transport", () => {
  it("noReply: the servo ignores the next n packets, or all of them", async () => {
    const { chain } = clocked();
    chain.faults.noReply(2, 1);
    expect((await exchange(chain, ping(2), 1)).bytes).toEqual([]);
    expect((await exchange(chain, ping(2), 1)).bytes).toEqual(ack(2));
    chain.faults.noReply(4);
    for (let i = 0; i < 3; i++) expect((await exchange(chain, ping(4), 1)).bytes).toEqual([]);
    const { packets } = await exchange(chain, syncRead(Present_Position.address, 2), 6);
    expect(packets.map((p) => p.id)).toEqual([1, 2, 3, 5, 6]);
    chain.faults.clear();
    expect((await exchange(chain, ping(4), 1)).bytes).toEqual(ack(4));
  });

  it("corruptChecksum: replies with a wrong checksum, which a parser drops", async () => {
    const { chain } = clocked();
    chain.faults.corruptChecksum(3, 1);
    const bad = await exchange(chain, ping(3), 1);
    expect(bad.bytes.slice(0, -1)).toEqual(ack(3).slice(0, -1));
    expect(bad.bytes.at(-1)).not.toBe(ack(3).at(-1));
    expect(bad.packets).toEqual([]);
    expect(bad.parser.badChecksums).toBe(1);
    expect((await exchange(chain, ping(3), 1)).bytes).toEqual(ack(3));
  });

  it("errorBits: the status error byte carries them until cleared", async () => {
    const { chain } = clocked();
    chain.faults.errorBits(5, StatusError.OVERLOAD | StatusError.VOLTAGE);
    expect((await exchange(chain, ping(5), 1)).bytes).toEqual([...buildStatusPacket(5, 0x21)]);
    expect((await exchange(chain, read(5, Model_Number.address, 2), 1)).packets[0]!.code).toBe(0x21);
    chain.faults.errorBits(5, 0);
    expect((await exchange(chain, ping(5), 1)).bytes).toEqual(ack(5));
  });

  it("garbage: raw bytes in the reply stream, before the next reply", async () => {
    const { chain } = clocked();
    chain.faults.garbage([0x00, 0xff, 0x13]);
    const { bytes, packets, parser } = await exchange(chain, ping(1), 1);
    expect(bytes).toEqual([0x00, 0xff, 0x13, ...ack(1)]);
    expect(packets.map((p) => p.id)).toEqual([1]);
    expect(parser.discardedBytes).toBe(3);
  });

  it("disconnect: onClose gets an error, writes reject, queued replies are dropped", async () => {
    const { chain } = clocked();
    const closed: (Error | undefined)[] = [];
    chain.onClose((error) => closed.push(error));
    const received: Uint8Array[] = [];
    chain.onData((chunk) => received.push(chunk));
    await chain.write(ping(1));
    chain.faults.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toEqual([]);
    expect(chain.isOpen).toBe(false);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toBeInstanceOf(Error);
    await expect(chain.write(ping(1))).rejects.toThrow(/closed/);
  });

  it("close(): onClose without an error, once", async () => {
    const { chain } = clocked();
    const closed: (Error | undefined)[] = [];
    chain.onClose((error) => closed.push(error));
    await chain.close();
    await chain.close();
    expect(closed).toEqual([undefined]);
  });

  it("realTiming: the reply waits for the wire time and Return_Delay_Time", async () => {
    const { chain } = clocked({ realTiming: true });
    chain.servo(1).writeRegister("Lock", 0);
    chain.servo(1).writeRegister("Return_Delay_Time", 250); // 500 µs
    const started = performance.now();
    const { bytes } = await exchange(chain, ping(1), 1, 200);
    expect(bytes).toEqual(ack(1));
    expect(performance.now() - started).toBeGreaterThanOrEqual(0.5 + 0.12);
  });

  it("keeps nothing alive: no timers once replies are delivered or the chain is closed", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout" || r === "Immediate").length;
    const before = timers();
    const { clock, chain } = clocked({ realTiming: true });
    const hand = new SimulatedHand(chain);
    hand.teleoperate(7);
    clock.ms += 5000;
    await exchange(chain, syncRead(Present_Position.address, 2), 6, 200);
    expect(timers()).toBe(before);
    await chain.write(ping(1));
    await chain.close();
    expect(timers()).toBe(before);
  });
});

describe("SimulatedHand", () => {
  it("sweeps every joint to its mechanical min and max, seen by a 50 Hz recorder, then reports sweepDone", async () => {
    const { clock, chain } = clocked();
    const hand = new SimulatedHand(chain);
    hand.calibrationMidPose();
    clock.ms += 2000;
    expect(await presentPositions(chain)).toEqual(SO101_JOINTS.map(({ range }) => Math.floor((range.min + range.max) / 2)));

    hand.calibrationSweep();
    const mins = IDS.map(() => Infinity);
    const maxs = IDS.map(() => -Infinity);
    const swept = new Set<string>();
    while (!hand.progress.sweepDone) {
      swept.add(hand.progress.sweepJoint!);
      const positions = await presentPositions(chain);
      positions.forEach((p, i) => {
        mins[i] = Math.min(mins[i]!, p);
        maxs[i] = Math.max(maxs[i]!, p);
      });
      clock.ms += 20;
    }
    expect(hand.progress.elapsedMs).toBeLessThanOrEqual(6 * 1500 + 20);
    expect([...swept]).toEqual(SO101_JOINTS.map((j) => j.name));
    expect(mins).toEqual(SO101_JOINTS.map((j) => j.range.min));
    expect(maxs).toEqual(SO101_JOINTS.map((j) => j.range.max));
  });

  it("teleoperates repeatably for a seed, within each joint's range, gripper opening and closing", async () => {
    const record = async (seed: number) => {
      const { clock, chain } = clocked();
      new SimulatedHand(chain).teleoperate(seed);
      const frames: number[][] = [];
      for (let i = 0; i < 150; i++, clock.ms += 20) frames.push(await presentPositions(chain));
      return frames;
    };
    const first = await record(42);
    expect(await record(42)).toEqual(first);
    expect(await record(43)).not.toEqual(first);

    // long runs straight from the hand's pose, for range and smoothness
    const { clock, chain } = clocked();
    const hand = new SimulatedHand(chain);
    hand.teleoperate(42);
    let previous = hand.poseAt();
    const spans = SO101_JOINTS.map(() => ({ min: Infinity, max: -Infinity }));
    for (; clock.ms < 120_000; clock.ms += 20) {
      const pose = hand.poseAt();
      pose.forEach((p, i) => {
        const { range } = SO101_JOINTS[i]!;
        expect(p).toBeGreaterThanOrEqual(range.min);
        expect(p).toBeLessThanOrEqual(range.max);
        expect(Math.abs(p - previous[i]!)).toBeLessThan(60); // < 3000 steps/s
        spans[i]!.min = Math.min(spans[i]!.min, p);
        spans[i]!.max = Math.max(spans[i]!.max, p);
      });
      previous = pose;
    }
    spans.forEach((span, i) => {
      const { range } = SO101_JOINTS[i]!;
      expect(span.max - span.min).toBeGreaterThan((range.max - range.min) * 0.4);
    });
  });

  it("holds given positions, returns to rest when idle, and cannot move joints with torque on", async () => {
    const { clock, chain } = clocked();
    const hand = new SimulatedHand(chain);
    hand.hold({ gripper: 3000, elbow_flex: 5000 });
    await presentPositions(chain);
    clock.ms += 300;
    await presentPositions(chain);
    expect(chain.servo(6).readRegister("Present_Velocity")).toBeGreaterThan(200); // the hand moves the free joint
    expect(chain.servo(6).readRegister("Moving")).toBe(1);
    clock.ms += 2000;
    const held = await presentPositions(chain);
    expect(held[5]).toBe(3000);
    expect(held[2]).toBe(3090); // the stop
    expect(held[0]).toBe(2010);

    chain.servo(6).writeRegister("Torque_Enable", 1);
    hand.idle();
    clock.ms += 2000;
    const rested = await presentPositions(chain);
    expect(rested.slice(0, 5)).toEqual(SO101_JOINTS.slice(0, 5).map((j) => j.rest));
    expect(rested[5]).toBe(3000);
    expect(() => hand.hold({ elbow: 1 })).toThrow(RangeError);
  });
});
