/**
 * FeetechBus against the simulated servos, byte for byte through the real protocol code: what it
 * puts on the wire, the values it reads and writes, one transaction at a time, retries, and the
 * errors that name the motor when a servo is silent, corrupt or reports a fault.
 */
import { describe, expect, it } from "vitest";
import { FeetechBus } from "../../../src/hardware/feetech/bus.js";
import { CONTROL_TABLE } from "../../../src/hardware/feetech/control-table.js";
import { MotorChecksumError, MotorStatusError, MotorTimeoutError } from "../../../src/hardware/feetech/errors.js";
import { StatusError, buildStatusPacket } from "../../../src/hardware/feetech/protocol.js";
import { SimulatedChain } from "../../../src/hardware/sim/chain.js";
import type { Transport } from "../../../src/hardware/transport.js";

/** The chain behind a transport that logs what crosses the wire, in order ("tx ff ff 01 ..."). */
function wiretapped(chain: SimulatedChain): { transport: Transport; wire: string[] } {
  const wire: string[] = [];
  const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
  const transport: Transport = {
    path: chain.path,
    baudRate: chain.baudRate,
    get isOpen() { return chain.isOpen; },
    write: (bytes) => { wire.push(`tx ${hex(bytes)}`); return chain.write(bytes); },
    onData: (listener) => chain.onData((chunk) => { wire.push(`rx ${hex(chunk)}`); listener(chunk); }),
    onClose: (listener) => chain.onClose(listener),
    flush: () => chain.flush(),
    close: () => chain.close(),
  };
  return { transport, wire };
}

describe("FeetechBus on the simulator", () => {
  it("scans, reads, writes and sync-reads with typed values", async () => {
    const chain = SimulatedChain.so101();
    const bus = new FeetechBus(chain, { motorNames: { 3: "elbow_flex" } });
    expect(await bus.scan()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await bus.read(1, "Model_Number")).toBe(777);
    await bus.write(3, "Lock", 0);
    await bus.write(3, "Homing_Offset", -40);
    expect(await bus.read(3, "Homing_Offset")).toBe(-40);
    const { values } = await bus.syncRead("Present_Position", [1, 2, 3, 4, 5, 6]);
    chain.sync();
    expect(values.get(3)).toBe(chain.joint("elbow_flex").servo.actualPosition + 40);
    await bus.regWrite(3, "Acceleration", 77);
    expect(await bus.read(3, "Acceleration")).toBe(0);
    await bus.action();
    expect(await bus.read(3, "Acceleration")).toBe(77);
    await chain.close();
  });

  it("retries a corrupted read (default 2) and then names the motor", async () => {
    const chain = SimulatedChain.so101();
    const bus = new FeetechBus(chain, { motorNames: { 3: "elbow_flex" }, latencyMs: 5 });
    chain.faults.corruptChecksum(3, 2);
    expect(await bus.read(3, "Model_Number")).toBe(777);
    expect(bus.retries).toBe(2);
    chain.faults.corruptChecksum(3);
    await expect(bus.read(3, "Model_Number")).rejects.toThrow(MotorChecksumError);
    await expect(bus.read(3, "Model_Number")).rejects.toThrow(/motor 'elbow_flex' \(id 3\) on sim sent corrupted replies \(bad checksum\) in all 3 tries/);
    chain.faults.clear();
    chain.faults.noReply(3);
    const error = await bus.syncRead("Present_Position", [1, 2, 3]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MotorTimeoutError);
    expect((error as Error).message).toBe("motor 'elbow_flex' (id 3) did not answer on sim after 3 tries");
    chain.faults.clear();
    chain.faults.errorBits(3, StatusError.OVERLOAD | StatusError.OVERHEAT);
    await expect(bus.read(3, "Present_Position")).rejects.toThrow(MotorStatusError);
    await expect(bus.read(3, "Present_Position")).rejects.toThrow(/motor 'elbow_flex' \(id 3\) on sim reported overheat, overload while reading Present_Position/);
    // Sync reads keep the value and report the bits: an overloaded gripper still has a position.
    const sync = await bus.syncRead("Present_Position", [3]);
    expect(sync.statusErrors.get(3)).toBe(StatusError.OVERLOAD | StatusError.OVERHEAT);
    expect(sync.values.has(3)).toBe(true);
    await chain.close();
  });

  it("resynchronises past garbage on the line", async () => {
    const chain = SimulatedChain.so101();
    const bus = new FeetechBus(chain);
    chain.faults.garbage([0xff, 0x13, 0xff, 0xff, 0x00]);
    expect(await bus.read(2, "Model_Number")).toBe(777);
    await chain.close();
  });
});

describe("FeetechBus: bytes on the wire", () => {
  it("sends LeRobot's packets: a READ of Present_Position, a WRITE, a SYNC_WRITE and an ACTION", async () => {
    const chain = SimulatedChain.so101();
    const { transport, wire } = wiretapped(chain);
    const bus = new FeetechBus(transport);
    await bus.read(1, "Present_Position");
    // FF FF id LEN READ addr size CHK; the reply carries 2010 (0x07DA) little-endian.
    expect(wire).toEqual(["tx ff ff 01 04 02 38 02 be", `rx ${[...buildStatusPacket(1, 0, [0xda, 0x07])].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`]);
    wire.length = 0;
    await bus.write(2, "Goal_Position", -100); // sign-magnitude, sign in bit 15: 0x8064
    await bus.syncWrite("Goal_Position", new Map([[1, 1000], [2, 2000]]));
    await bus.action();
    expect(wire).toEqual([
      `tx ff ff 02 05 03 2a 64 80 ${(~(2 + 5 + 3 + 0x2a + 0x64 + 0x80) & 0xff).toString(16)}`,
      "rx ff ff 02 02 00 fb",
      `tx ff ff fe 0a 83 2a 02 01 e8 03 02 d0 07 ${(~(0xfe + 0x0a + 0x83 + 0x2a + 2 + 1 + 0xe8 + 3 + 2 + 0xd0 + 7) & 0xff).toString(16)}`,
      "tx ff ff fe 02 05 fa",
    ]);
    expect(chain.servo(2).readRegister("Goal_Position")).toBe(2000);
    expect(chain.servo(1).readRegister("Goal_Position")).toBe(1000);
  });

  it("carries one transaction at a time: concurrent calls wait for the reply before the next request", async () => {
    const chain = SimulatedChain.so101();
    const { transport, wire } = wiretapped(chain);
    const bus = new FeetechBus(transport);
    const values = await Promise.all([bus.read(1, "ID"), bus.read(2, "ID"), bus.syncRead("ID", [3, 4]), bus.read(5, "ID")]);
    expect([values[0], values[1], [...values[2].values.entries()], values[3]]).toEqual([1, 2, [[3, 3], [4, 4]], 5]);
    expect(wire.map((line) => line.slice(0, 2))).toEqual(["tx", "rx", "tx", "rx", "tx", "rx", "rx", "tx", "rx"]);
  });

  it("refuses a value its register cannot hold before sending anything", async () => {
    const chain = SimulatedChain.so101();
    const { transport, wire } = wiretapped(chain);
    const bus = new FeetechBus(transport);
    await expect(bus.write(1, "Acceleration", 256)).rejects.toThrow(RangeError);
    await expect(bus.write(1, "Goal_Position", -40000)).rejects.toThrow(/exceeds 32767/);
    expect(wire).toEqual([]);
  });
});

describe("FeetechBus: ping, modelNumber and scan", () => {
  it("ping resolves with the motor's status bits (0 when healthy) and rejects, naming it, when it is silent", async () => {
    const chain = SimulatedChain.so101();
    const bus = new FeetechBus(chain, { latencyMs: 5 });
    expect(await bus.ping(4)).toBe(0);
    chain.faults.errorBits(4, StatusError.OVERHEAT);
    expect(await bus.ping(4)).toBe(StatusError.OVERHEAT);
    const error = await bus.ping(9).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MotorTimeoutError);
    expect((error as MotorTimeoutError).message).toBe("motor id 9 did not answer on sim");
    expect([(error as MotorTimeoutError).motorId, (error as MotorTimeoutError).port]).toEqual([9, "sim"]);
  });

  it("modelNumber gives 777, undefined for a silent motor, and rejects a motor reporting a fault", async () => {
    const chain = SimulatedChain.so101();
    const bus = new FeetechBus(chain, { latencyMs: 5 });
    expect(await bus.modelNumber(6)).toBe(777);
    chain.faults.noReply(6);
    expect(await bus.modelNumber(6)).toBeUndefined();
    chain.faults.clear();
    chain.faults.errorBits(6, StatusError.VOLTAGE);
    await expect(bus.modelNumber(6)).rejects.toThrow(MotorStatusError);
  });

  it("scan lists the ids that answer a broadcast ping, in id order, and none once they are silent", async () => {
    const chain = SimulatedChain.so101();
    const bus = new FeetechBus(chain, { latencyMs: 5 });
    chain.faults.noReply(2);
    chain.faults.noReply(5);
    expect(await bus.scan()).toEqual([1, 3, 4, 6]);
    for (const id of [1, 3, 4, 6]) chain.faults.noReply(id);
    expect(await bus.scan()).toEqual([]);
  });
});

describe("FeetechBus: reads, writes and their errors", () => {
  it("ignores a stale reply of another size on the line and takes the real one", async () => {
    const chain = SimulatedChain.so101();
    const bus = new FeetechBus(chain, { readRetries: 0 });
    // An empty acknowledgement from motor 3 (a write's, arriving late) lands before the read's reply.
    chain.faults.garbage(buildStatusPacket(3, 0));
    expect(await bus.read(3, "Model_Number")).toBe(777);
    expect(bus.retries).toBe(0);
  });

  it("reads a register given by address and size, naming the address in errors", async () => {
    const chain = SimulatedChain.so101();
    const bus = new FeetechBus(chain, { latencyMs: 5 });
    expect(await bus.read(2, { address: CONTROL_TABLE.Model_Number.address, size: 2 })).toBe(777);
    chain.faults.errorBits(2, StatusError.ANGLE);
    await expect(bus.read(2, { address: 3, size: 2 })).rejects.toThrow("motor id 2 on sim reported angle sensor error while reading address 3");
  });

  it("a write rejects with the fault a motor reports, or a timeout after one try by default", async () => {
    const chain = SimulatedChain.so101();
    const bus = new FeetechBus(chain, { motorNames: { 1: "shoulder_pan" }, latencyMs: 5 });
    chain.faults.errorBits(1, StatusError.OVERLOAD);
    const fault = await bus.write(1, "Goal_Position", 2000).catch((e: unknown) => e);
    expect(fault).toBeInstanceOf(MotorStatusError);
    expect((fault as MotorStatusError).errorBits).toBe(StatusError.OVERLOAD);
    expect((fault as Error).message).toBe("motor 'shoulder_pan' (id 1) on sim reported overload while writing Goal_Position");
    chain.faults.clear();
    chain.faults.noReply(1);
    await expect(bus.write(1, "Goal_Position", 2000)).rejects.toThrow("motor 'shoulder_pan' (id 1) did not answer on sim");
    expect(bus.retries).toBe(0);
  });

  it("names every motor still silent after a sync read's retries, the first as the error's motor", async () => {
    const chain = SimulatedChain.so101();
    const bus = new FeetechBus(chain, { motorNames: { 2: "shoulder_lift", 3: "elbow_flex" }, latencyMs: 5 });
    chain.faults.noReply(3);
    chain.faults.noReply(2);
    const error = (await bus.syncRead("Present_Position", [1, 2, 3], 0).catch((e: unknown) => e)) as MotorTimeoutError;
    expect(error.message).toBe("motor 'shoulder_lift' (id 2) did not answer on sim (nor did motor 'elbow_flex' (id 3))");
    expect(error.motorId).toBe(2);
  });

  it("hears nothing once detached (the transport is the caller's and stays open)", async () => {
    const chain = SimulatedChain.so101();
    const bus = new FeetechBus(chain, { latencyMs: 5 });
    expect(bus.port).toBe("sim");
    bus.detach();
    await expect(bus.read(1, "ID", 0)).rejects.toThrow(MotorTimeoutError);
    expect(chain.isOpen).toBe(true);
  });
});
