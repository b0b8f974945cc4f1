/**
 * The simulated STS3215 chain as a host sees it: raw instruction packets in, status packets out,
 * byte for byte through the real protocol code; the joints it is built of; fault injection; and
 * the Transport it offers.
 */
import { describe, expect, it } from "vitest";
import { CONTROL_TABLE } from "../../../src/hardware/feetech/control-table.js";
import { BROADCAST_ID, Instruction, StatusError, buildPacket, buildStatusPacket } from "../../../src/hardware/feetech/protocol.js";
import { SO_MOTORS } from "../../../src/hardware/robots/types.js";
import { SO101_JOINTS } from "../../../src/hardware/sim/chain.js";
import type { JointDriver } from "../../../src/hardware/sim/chain.js";
import { SimulatedHand } from "../../../src/hardware/sim/hand.js";
import { SO101_IDS, ack, clockedChain, exchange, ping, read, readWord, syncRead, syncWrite, word, write } from "../../helpers/sim-exchange.js";
import { eventLoopTurns } from "../../helpers/wait.js";

const { Lock, Goal_Position, Present_Position, Acceleration, Min_Position_Limit, Model_Number } = CONTROL_TABLE;

describe("SimulatedChain: packets", () => {
  it("answers a ping with an empty status packet", async () => {
    const { chain } = clockedChain();
    const { bytes } = await exchange(chain, ping(1), 1);
    expect(bytes).toEqual([0xff, 0xff, 0x01, 0x02, 0x00, 0xfc]);
  });

  it("reads Model_Number as 777 little-endian", async () => {
    const { chain } = clockedChain();
    const { bytes } = await exchange(chain, read(3, Model_Number.address, 2), 1);
    expect(bytes).toEqual([0xff, 0xff, 0x03, 0x04, 0x00, 0x09, 0x03, 0xec]);
  });

  it("acknowledges a write and stores it; with Response_Status_Level 0 only ping and read answer", async () => {
    const { chain } = clockedChain();
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
    const { chain } = clockedChain();
    expect((await exchange(chain, write(1, Min_Position_Limit.address, word(500)), 1)).bytes).toEqual(ack(1));
    expect(await readWord(chain, 1, Min_Position_Limit.address)).toBe(0);

    expect((await exchange(chain, write(1, Lock.address, [0]), 1)).bytes).toEqual(ack(1));
    expect((await exchange(chain, write(1, Min_Position_Limit.address, word(500)), 1)).bytes).toEqual(ack(1));
    expect(await readWord(chain, 1, Min_Position_Limit.address)).toBe(500);
  });

  it("ignores writes to read-only registers", async () => {
    const { chain } = clockedChain();
    await exchange(chain, write(1, Lock.address, [0]), 1);
    expect((await exchange(chain, write(1, Present_Position.address, word(1234)), 1)).bytes).toEqual(ack(1));
    expect((await exchange(chain, write(1, Model_Number.address, word(1)), 1)).bytes).toEqual(ack(1));
    expect(await readWord(chain, 1, Present_Position.address)).toBe(2010);
    expect(await readWord(chain, 1, Model_Number.address)).toBe(777);
  });

  it("sync-reads Present_Position of ids 1..6: six status packets in list order", async () => {
    const { chain } = clockedChain();
    const { bytes, packets } = await exchange(chain, syncRead(Present_Position.address, 2), 6);
    expect(packets).toHaveLength(6);
    expect(bytes).toEqual(SO101_JOINTS.flatMap(({ id, rest }) => [...buildStatusPacket(id, 0, word(rest))]));
    const reversed = await exchange(chain, syncRead(Present_Position.address, 2, [6, 2]), 2);
    expect(reversed.packets.map((p) => p.id)).toEqual([6, 2]);
  });

  it("finds the six servos with a broadcast ping, in id order", async () => {
    const { chain } = clockedChain();
    const { bytes } = await exchange(chain, ping(BROADCAST_ID), 6);
    expect(bytes).toEqual(SO101_IDS.flatMap(ack));
  });

  it("ignores an instruction with a bad checksum and answers the next good one", async () => {
    const { chain } = clockedChain();
    const bad = ping(1);
    bad.set([bad.at(-1)! ^ 0x01], bad.length - 1);
    expect((await exchange(chain, bad, 1)).bytes).toEqual([]);
    expect((await exchange(chain, ping(1), 1)).bytes).toEqual(ack(1));
  });

  it("survives odd packets: over-long, short, unknown, or a broadcast READ", async () => {
    const { chain } = clockedChain();
    expect((await exchange(chain, read(1, 0, 255), 1)).packets[0]!.params).toHaveLength(250);
    expect((await exchange(chain, buildPacket(1, Instruction.READ, [56]), 1)).bytes).toEqual([]);
    expect((await exchange(chain, buildPacket(1, 0x42, [1, 2]), 1)).bytes).toEqual([]);
    expect((await exchange(chain, read(BROADCAST_ID, 56, 2), 1)).bytes).toEqual([]);
    expect((await exchange(chain, ping(1), 1)).bytes).toEqual(ack(1));
  });

  it("holds a REG_WRITE until ACTION", async () => {
    const { chain } = clockedChain();
    for (const id of [1, 2]) {
      const { bytes } = await exchange(chain, buildPacket(id, Instruction.REG_WRITE, [Acceleration.address, 50]), 1);
      expect(bytes).toEqual(ack(id));
    }
    expect(chain.servo(1).readRegister("Acceleration")).toBe(0);
    expect((await exchange(chain, buildPacket(BROADCAST_ID, Instruction.ACTION), 1)).bytes).toEqual([]);
    expect([1, 2, 3].map((id) => chain.servo(id).readRegister("Acceleration"))).toEqual([50, 50, 0]);
  });

  it("answers a write of ID from the old id, then under the new one", async () => {
    const { chain } = clockedChain();
    await exchange(chain, write(6, Lock.address, [0]), 1);
    expect((await exchange(chain, write(6, CONTROL_TABLE.ID.address, [9]), 1)).bytes).toEqual(ack(6));
    expect((await exchange(chain, ping(6), 1)).bytes).toEqual([]);
    expect((await exchange(chain, ping(9), 1)).bytes).toEqual(ack(9));
  });
});

describe("SO101_JOINTS and SimulatedChain.so101()", () => {
  it("are the six SO-101 motors LeRobot names, by id, each resting within its stops", () => {
    expect(SO101_JOINTS.map(({ id, name }) => ({ name, id }))).toEqual(SO_MOTORS.map(({ name, id }) => ({ name, id })));
    for (const { name, rest, range } of SO101_JOINTS) {
      expect(range.min, name).toBeLessThan(range.max);
      expect(rest, name).toBeGreaterThanOrEqual(range.min);
      expect(rest, name).toBeLessThanOrEqual(range.max);
      expect(range.min, name).toBeGreaterThanOrEqual(0);
      expect(range.max, name).toBeLessThanOrEqual(4095);
    }
    const { chain } = clockedChain();
    expect(chain.joints.map((j) => [j.name, j.servo.id, j.servo.actualPosition])).toEqual(SO101_JOINTS.map((j) => [j.name, j.id, j.rest]));
    expect([chain.path, chain.baudRate, chain.isOpen]).toEqual(["sim", 1_000_000, true]);
  });

  it("finds a servo by its current id and a joint by name, and names what it cannot find", async () => {
    const { chain } = clockedChain();
    expect(chain.servo(4)).toBe(chain.joint("wrist_flex").servo);
    expect(() => chain.servo(7)).toThrow(new RangeError("no simulated servo has id 7"));
    expect(() => chain.joint("elbow")).toThrow(new RangeError("no simulated joint is named elbow"));
    await exchange(chain, write(4, Lock.address, [0]), 1);
    await exchange(chain, write(4, CONTROL_TABLE.ID.address, [12]), 1);
    expect(chain.servo(12)).toBe(chain.joint("wrist_flex").servo);
    expect(() => chain.servo(4)).toThrow(RangeError);
  });
});

describe("SimulatedChain: the bus", () => {
  it("sync-writes each listed servo its own value and skips ids nobody has", async () => {
    const { chain } = clockedChain();
    expect((await exchange(chain, syncWrite(Goal_Position.address, 2, { 2: word(1111), 9: word(2222), 5: word(3333) }), 1)).bytes).toEqual([]);
    expect(SO101_IDS.map((id) => chain.servo(id).readRegister("Goal_Position"))).toEqual([0, 1111, 0, 0, 3333, 0]);
  });

  it("applies a broadcast WRITE on every servo and answers none", async () => {
    const { chain } = clockedChain();
    expect((await exchange(chain, write(BROADCAST_ID, Acceleration.address, [30]), 1)).bytes).toEqual([]);
    expect(SO101_IDS.map((id) => chain.servo(id).readRegister("Acceleration"))).toEqual([30, 30, 30, 30, 30, 30]);
  });

  it("leaves a servo deaf to the line once its Baud_Rate register names another speed", async () => {
    const { chain } = clockedChain();
    await exchange(chain, write(3, Lock.address, [0]), 1);
    // Baud_Rate 1 is 500 kbps (BAUD_RATES); the chain's line runs at 1 Mbps. The write itself is acknowledged.
    expect((await exchange(chain, write(3, CONTROL_TABLE.Baud_Rate.address, [1]), 1)).bytes).toEqual(ack(3));
    expect((await exchange(chain, ping(3), 1)).bytes).toEqual([]);
    expect((await exchange(chain, ping(BROADCAST_ID), 6)).packets.map((p) => p.id)).toEqual([1, 2, 4, 5, 6]);
  });

  it("asks its driver to move the joints, on the chain's clock, before it executes each packet", async () => {
    const { clock, chain } = clockedChain();
    const asked: number[] = [];
    // A driver that pushes the free gripper to where the clock says (a stand-in for the hand).
    const driver: JointDriver = { drive: (now) => { asked.push(now); chain.joint("gripper").servo.setActualPosition(2000 + now); } };
    chain.attach(driver);
    expect(chain.driver).toBe(driver);
    clock.ms = 500;
    expect(await readWord(chain, 6, Present_Position.address)).toBe(2500);
    clock.ms = 700;
    chain.sync();
    expect(asked).toEqual([500, 700]);
    expect(chain.joint("gripper").servo.actualPosition).toBe(2700);
    chain.attach(undefined);
    clock.ms = 900;
    expect(await readWord(chain, 6, Present_Position.address)).toBe(2700);
    expect(asked).toEqual([500, 700]);
  });
});

describe("SimulatedChain: the Transport", () => {
  it("flush() drops replies not delivered yet; the next exchange is clean", async () => {
    const { chain } = clockedChain();
    const received: number[] = [];
    chain.onData((chunk) => received.push(...chunk));
    await chain.write(ping(1));
    await chain.flush();
    await eventLoopTurns();
    expect(received).toEqual([]);
    expect((await exchange(chain, ping(2), 1)).bytes).toEqual(ack(2));
  });

  it("stops calling a data listener once it unsubscribes", async () => {
    const { chain } = clockedChain();
    const received: number[] = [];
    const off = chain.onData((chunk) => received.push(...chunk));
    await exchange(chain, ping(1), 1);
    expect(received).toEqual(ack(1));
    off();
    await exchange(chain, ping(2), 1);
    expect(received).toEqual(ack(1));
  });
});

describe("SimulatedChain: faults and transport", () => {
  it("noReply: the servo ignores the next n packets, or all of them", async () => {
    const { chain } = clockedChain();
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
    const { chain } = clockedChain();
    chain.faults.corruptChecksum(3, 1);
    const bad = await exchange(chain, ping(3), 1);
    expect(bad.bytes.slice(0, -1)).toEqual(ack(3).slice(0, -1));
    expect(bad.bytes.at(-1)).not.toBe(ack(3).at(-1));
    expect(bad.packets).toEqual([]);
    expect(bad.parser.badChecksums).toBe(1);
    expect((await exchange(chain, ping(3), 1)).bytes).toEqual(ack(3));
  });

  it("errorBits: the status error byte carries them until cleared", async () => {
    const { chain } = clockedChain();
    chain.faults.errorBits(5, StatusError.OVERLOAD | StatusError.VOLTAGE);
    expect((await exchange(chain, ping(5), 1)).bytes).toEqual([...buildStatusPacket(5, 0x21)]);
    expect((await exchange(chain, read(5, Model_Number.address, 2), 1)).packets[0]!.code).toBe(0x21);
    chain.faults.errorBits(5, 0);
    expect((await exchange(chain, ping(5), 1)).bytes).toEqual(ack(5));
  });

  it("garbage: raw bytes in the reply stream, before the next reply", async () => {
    const { chain } = clockedChain();
    chain.faults.garbage([0x00, 0xff, 0x13]);
    const { bytes, packets, parser } = await exchange(chain, ping(1), 1);
    expect(bytes).toEqual([0x00, 0xff, 0x13, ...ack(1)]);
    expect(packets.map((p) => p.id)).toEqual([1]);
    expect(parser.discardedBytes).toBe(3);
  });

  it("disconnect: onClose gets an error, writes reject, queued replies are dropped", async () => {
    const { chain } = clockedChain();
    const closed: (Error | undefined)[] = [];
    chain.onClose((error) => closed.push(error));
    const received: Uint8Array[] = [];
    chain.onData((chunk) => received.push(chunk));
    await chain.write(ping(1));
    chain.faults.disconnect();
    // Replies go out on the next turn of the event loop: by then the reply to the ping would be here.
    await eventLoopTurns();
    expect(received).toEqual([]);
    expect(chain.isOpen).toBe(false);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toBeInstanceOf(Error);
    await expect(chain.write(ping(1))).rejects.toThrow(/closed/);
  });

  it("close(): onClose without an error, once", async () => {
    const { chain } = clockedChain();
    const closed: (Error | undefined)[] = [];
    chain.onClose((error) => closed.push(error));
    await chain.close();
    await chain.close();
    expect(closed).toEqual([undefined]);
  });

  it("realTiming: the reply waits for the wire time and Return_Delay_Time", async () => {
    const { chain } = clockedChain({ realTiming: true });
    chain.servo(1).writeRegister("Lock", 0);
    chain.servo(1).writeRegister("Return_Delay_Time", 250); // 500 µs
    const started = performance.now();
    const { bytes } = await exchange(chain, ping(1), 1, 5000);
    expect(bytes).toEqual(ack(1));
    expect(performance.now() - started).toBeGreaterThanOrEqual(0.5 + 0.12);
  });

  it("keeps nothing alive: no timers once replies are delivered or the chain is closed", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout" || r === "Immediate").length;
    const before = timers();
    const { clock, chain } = clockedChain({ realTiming: true });
    const hand = new SimulatedHand(chain);
    hand.teleoperate(7);
    clock.ms += 5000;
    await exchange(chain, syncRead(Present_Position.address, 2), 6, 5000);
    expect(timers()).toBe(before);
    await chain.write(ping(1));
    await chain.close();
    expect(timers()).toBe(before);
  });
});
