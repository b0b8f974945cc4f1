/** The Feetech packet layer (protocol 0), against hand-computed bytes. */
import { describe, expect, it } from "vitest";
import type { Packet } from "../../../src/hardware/feetech/protocol.js";
import { Instruction, PacketParser, buildPacket, describeStatusError, transferMs } from "../../../src/hardware/feetech/protocol.js";

function parseAll(...chunks: number[][]): { packets: Packet[]; parser: PacketParser } {
  const packets: Packet[] = [];
  const parser = new PacketParser((p) => packets.push(p));
  for (const c of chunks) parser.push(Uint8Array.from(c));
  return { packets, parser };
}

describe("packets", () => {
  it("builds instruction packets byte for byte", () => {
    // Read Present_Position (56, 2 bytes) of motor 1: FF FF 01 04 02 38 02 CHK, CHK = ~(1+4+2+56+2) & 0xFF.
    expect(Array.from(buildPacket(1, Instruction.READ, [56, 2]))).toEqual([0xff, 0xff, 0x01, 0x04, 0x02, 0x38, 0x02, 0xbe]);
    expect(Array.from(buildPacket(0xfe, Instruction.PING))).toEqual([0xff, 0xff, 0xfe, 0x02, 0x01, 0xfe]);
    // Sync write Goal_Position 2048 to ids 1 and 2.
    const sw = buildPacket(0xfe, Instruction.SYNC_WRITE, [42, 2, 1, 0x00, 0x08, 2, 0x00, 0x08]);
    expect(sw[3]).toBe(10);
    expect(sw.at(-1)).toBe(~(0xfe + 10 + 0x83 + 42 + 2 + 1 + 8 + 2 + 8) & 0xff);
  });

  it("parses packets split anywhere and resynchronises on garbage and bad checksums", () => {
    const status = [0xff, 0xff, 0x03, 0x04, 0x00, 0x00, 0x08, 0xf0];
    for (let cut = 1; cut < status.length; cut++) {
      const { packets } = parseAll(status.slice(0, cut), status.slice(cut));
      expect(packets).toHaveLength(1);
      expect(packets[0]).toMatchObject({ id: 3, code: 0 });
      expect(Array.from(packets[0]!.params)).toEqual([0x00, 0x08]);
    }
    const corrupt = [...status.slice(0, -1), 0x00];
    const { packets, parser } = parseAll([0x12, 0xff, 0x00, 0xff], corrupt, [0xff], status, [0xff, 0xff, 0xff], status);
    expect(packets.map((p) => p.id)).toEqual([3, 3]);
    expect(parser.badChecksums).toBe(1);
    expect(parser.discardedBytes).toBeGreaterThan(0);
  });

  it("names status error bits", () => {
    expect(describeStatusError(0x20 | 0x04)).toEqual(["overheat", "overload"]);
    expect(describeStatusError(0x40)).toEqual(["unknown error bits 0x40"]);
  });

  it("sizes transfers at 10 bits a byte", () => {
    expect(transferMs(100, 1_000_000)).toBeCloseTo(1, 9);
  });
});
