/**
 * The box reading and writing the in-place appender and the splicer build on, checked against
 * real ffmpeg output read by mp4box (an independent reader) and against hand-made boxes.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe as group, expect, it } from "vitest";
import type { Box } from "../../../src/dataset/video/mp4-boxes.js";
import {
  Mp4LayoutError, buildTable, child, chunkOffsets, describe, durationField, need, parseBoxes, readMoov, sampleDescriptionKey, serialize,
  singleEdit, tableRows, topLevelBoxes,
} from "../../../src/dataset/video/mp4-boxes.js";
import { findFfmpeg, runFfmpeg } from "../../../src/system/ffmpeg.js";
import type { FfmpegInfo } from "../../../src/system/ffmpeg.js";
import { encodeBarcodeClip } from "../../helpers/barcode-clip.js";
import { mp4boxSamples } from "../../helpers/mp4box-samples.js";
import { tempDir } from "../../helpers/synthetic.js";

let dir: string;
let ffmpeg: FfmpegInfo;
let clip: string;
beforeAll(async () => {
  dir = tempDir("lerobot-mp4-boxes-");
  ffmpeg = await findFfmpeg();
  clip = await encodeBarcodeClip(ffmpeg, dir, "clip.mp4", 96, 64, 12, 1);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A box of `type` around `body` (8-byte header). */
function box(type: string, body: Buffer | number): Buffer {
  const payload = typeof body === "number" ? Buffer.alloc(body) : body;
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length, 0);
  header.write(type, 4, "latin1");
  return Buffer.concat([header, payload]);
}

const u32 = (...values: number[]) => { const b = Buffer.alloc(4 * values.length); values.forEach((v, i) => b.writeUInt32BE(v, 4 * i)); return b; };

async function withHandle<T>(file: string, fn: (handle: fs.promises.FileHandle, size: number) => Promise<T>): Promise<T> {
  const handle = await fs.promises.open(file, "r");
  try {
    return await fn(handle, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

/** The clip's moov, parsed. */
const moovOf = (file: string) => withHandle(file, async (h, size) => readMoov(h, await topLevelBoxes(h, size), file));

group("topLevelBoxes", () => {
  it("lists an ffmpeg file's boxes end to end, as its bytes lay them out", async () => {
    const boxes = await withHandle(clip, (h, size) => topLevelBoxes(h, size));
    const bytes = fs.readFileSync(clip);
    expect(boxes.map((b) => b.type)).toContain("moov");
    expect(boxes[0]).toMatchObject({ type: "ftyp", offset: 0, headerSize: 8 });
    let at = 0;
    for (const b of boxes) {
      expect(b.offset).toBe(at);
      expect(bytes.toString("latin1", b.offset + 4, b.offset + 8)).toBe(b.type);
      at += b.size;
    }
    expect(at).toBe(bytes.length);
  });

  it("reads 64-bit sizes and a last box of size 0 (to the end of the file)", async () => {
    const large = Buffer.concat([u32(1), Buffer.from("mdat"), Buffer.alloc(8), Buffer.alloc(20)]);
    large.writeBigUInt64BE(BigInt(large.length), 8);
    const tail = Buffer.concat([u32(0), Buffer.from("free"), Buffer.alloc(30)]);
    const file = path.join(dir, "sizes.mp4");
    fs.writeFileSync(file, Buffer.concat([box("ftyp", 8), large, tail]));
    expect(await withHandle(file, (h, size) => topLevelBoxes(h, size))).toEqual([
      { type: "ftyp", offset: 0, size: 16, headerSize: 8 },
      { type: "mdat", offset: 16, size: 36, headerSize: 16 },
      { type: "free", offset: 52, size: 38, headerSize: 8 },
    ]);
  });

  it("throws Mp4LayoutError for a box that runs past the end or is smaller than its header", async () => {
    const past = path.join(dir, "past.mp4");
    fs.writeFileSync(past, Buffer.concat([box("ftyp", 8), box("moov", 40).subarray(0, 30)]));
    await expect(withHandle(past, (h, size) => topLevelBoxes(h, size))).rejects.toThrow(/box 'moov' at 16 runs past the end/);
    const tiny = path.join(dir, "tiny.mp4");
    fs.writeFileSync(tiny, Buffer.concat([u32(4), Buffer.from("free"), Buffer.alloc(8)]));
    await expect(withHandle(tiny, (h, size) => topLevelBoxes(h, size))).rejects.toBeInstanceOf(Mp4LayoutError);
  });
});

group("parseBoxes and serialize", () => {
  it("give back a real moov byte for byte", async () => {
    const { moov, box: top } = await moovOf(clip);
    const bytes = fs.readFileSync(clip).subarray(top.offset, top.offset + top.size);
    expect(serialize(moov).equals(bytes)).toBe(true);
  });

  it("open the containers down to the sample tables and keep other boxes as bytes", () => {
    const stsz = Buffer.concat([u32(0, 0, 1, 42)]);
    const parsed = parseBoxes(box("trak", Buffer.concat([box("tkhd", 4), box("mdia", box("minf", box("stbl", box("stsz", stsz))))])));
    const trak = parsed[0]!;
    expect(trak.children?.map((b) => b.type)).toEqual(["tkhd", "mdia"]);
    expect(child(trak, "tkhd")?.raw?.length).toBe(4);
    const stbl = need(need(need(trak, "mdia"), "minf"), "stbl");
    expect(need(stbl, "stsz").raw!.equals(stsz)).toBe(true);
  });

  it("write sizes that follow changes to a box's bytes", () => {
    const moov: Box = { type: "moov", children: [{ type: "trak", children: [{ type: "tkhd", raw: Buffer.alloc(4) }] }] };
    expect(serialize(moov).readUInt32BE(0)).toBe(8 + 8 + 12);
    moov.children![0]!.children![0]!.raw = Buffer.alloc(40);
    const out = serialize(moov);
    expect([out.readUInt32BE(0), out.readUInt32BE(8), out.readUInt32BE(16)]).toEqual([64, 56, 48]);
    expect(parseBoxes(out)[0]!.children![0]!.children![0]!.raw!.length).toBe(40);
  });

  it("throw Mp4LayoutError for a box that does not fit its parent", () => {
    const bad = box("trak", box("tkhd", 4));
    bad.writeUInt32BE(100, 8);
    expect(() => parseBoxes(bad)).toThrow(/malformed box 'tkhd'/);
  });
});

group("need and child", () => {
  it("find a child box by type; need throws Mp4LayoutError naming a missing one", () => {
    const parent: Box = { type: "stbl", children: [{ type: "stts", raw: Buffer.alloc(8) }] };
    expect(child(parent, "stts")?.type).toBe("stts");
    expect(child(parent, "ctts")).toBeUndefined();
    expect(() => need(parent, "ctts")).toThrow(new Mp4LayoutError("no 'ctts' box"));
    expect(() => need(undefined, "stts")).toThrow(Mp4LayoutError);
  });
});

group("describe", () => {
  it("finds the one track and counts its samples and chunks as mp4box does", async () => {
    const track = describe((await moovOf(clip)).moov);
    const view = mp4boxSamples(clip);
    expect(track.samples).toBe(12);
    expect(track.samples).toBe(view.samples.length);
    expect(track.chunks).toBe(new Set(view.samples.map((s) => s.chunk_index)).size);
    expect(track.mediaDuration).toBe(view.samples.reduce((n, s) => n + s.duration, 0));
    expect(track.stbl.type).toBe("stbl");
  });

  it("refuses a file with another track beside the video", async () => {
    const file = path.join(dir, "two-tracks.mp4");
    const r = await runFfmpeg(ffmpeg, ["-hide_banner", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=s=64x48:r=10", "-f", "lavfi", "-i", "sine", "-t", "0.3", "-c:v", "libx264", "-c:a", "aac", file]);
    expect(r.code).toBe(0);
    expect(() => describe({ type: "moov", children: [] })).toThrow(/expected one track, found 0/);
    const { moov } = await moovOf(file);
    expect(() => describe(moov)).toThrow(/expected one track, found 2/);
  });

  it("refuses sample tables it cannot extend (constant sample size, unknown boxes)", async () => {
    const constant = (await moovOf(clip)).moov;
    const stsz = need(describe(constant).stbl, "stsz");
    stsz.raw = Buffer.concat([u32(0, 500, 12)]);
    expect(() => describe(constant)).toThrow(/constant sample size/);
    const extra = (await moovOf(clip)).moov;
    describe(extra).stbl.children!.push({ type: "sgpd", raw: Buffer.alloc(8) });
    expect(() => describe(extra)).toThrow(/sample table has a 'sgpd' box/);
  });
});

group("chunkOffsets", () => {
  it("reads stco as mp4box places each chunk's first sample", async () => {
    const track = describe((await moovOf(clip)).moov);
    const firsts = new Map<number, number>();
    for (const s of mp4boxSamples(clip).samples) if (!firsts.has(s.chunk_index!)) firsts.set(s.chunk_index!, s.offset);
    expect(chunkOffsets(track.stbl).map(Number)).toEqual([...firsts.values()]);
  });

  it("reads 64-bit offsets from co64", () => {
    const stbl: Box = { type: "stbl", children: [{ type: "co64", raw: Buffer.concat([u32(0, 2), u32(1, 0), u32(0, 77)]) }] };
    expect(chunkOffsets(stbl)).toEqual([2n ** 32n, 77n]);
  });
});

group("durationField", () => {
  it("reads mdhd's duration and timescale as mp4box does, and writes it", async () => {
    const { moov } = await moovOf(clip);
    const mdhd = need(need(need(moov, "trak"), "mdia"), "mdhd");
    const field = durationField(mdhd);
    const view = mp4boxSamples(clip);
    expect(field.timescale).toBe(view.movie.videoTracks[0]!.timescale);
    expect(field.read()).toBe(view.samples.reduce((n, s) => n + s.duration, 0));
    field.write(123456);
    expect(durationField(mdhd).read()).toBe(123456);
    // mvhd: the movie's timescale and duration; tkhd has no timescale of its own.
    const mvhd = durationField(need(moov, "mvhd"));
    expect(mvhd.timescale).toBe(view.movie.timescale);
    expect(mvhd.read()).toBe(view.movie.duration);
    expect(durationField(need(need(moov, "trak"), "tkhd")).timescale).toBeUndefined();
  });

  it("reads and writes version-1 boxes' 64-bit durations, and refuses a too-long version-0 duration", () => {
    // mdhd v1: version/flags, 8-byte creation and modification times, timescale, 8-byte duration.
    const v1 = Buffer.alloc(4 + 8 + 8 + 4 + 8 + 4);
    v1[0] = 1;
    v1.writeUInt32BE(90000, 20);
    v1.writeBigUInt64BE(5n * 2n ** 32n, 24);
    const field = durationField({ type: "mdhd", raw: v1 });
    expect(field.timescale).toBe(90000);
    expect(field.read()).toBe(5 * 2 ** 32);
    field.write(2 ** 33);
    expect(v1.readBigUInt64BE(24)).toBe(2n ** 33n);
    const v0 = durationField({ type: "mdhd", raw: Buffer.alloc(4 + 4 + 4 + 4 + 4 + 4) });
    expect(() => v0.write(2 ** 32)).toThrow(/does not fit a version-0 box/);
  });
});

group("tableRows and buildTable", () => {
  it("build a table whose rows read back, after a prefix", () => {
    const raw = buildTable(Buffer.from([0, 0, 0, 1]), u32(0), [u32(1, 2), u32(3, 4)]);
    expect(raw.equals(Buffer.concat([Buffer.from([0, 0, 0, 1]), u32(0), u32(2), u32(1, 2, 3, 4)]))).toBe(true);
    expect(tableRows(raw, 4, 8).map((r) => [r.readUInt32BE(0), r.readUInt32BE(4)])).toEqual([[1, 2], [3, 4]]);
  });

  it("refuse a table shorter than its count", () => {
    expect(() => tableRows(Buffer.concat([u32(0, 3), u32(1, 2)]), 0, 4)).toThrow(/shorter than its count/);
  });
});

group("singleEdit", () => {
  it("reads the media time of ffmpeg's one-entry edit list, as mp4box does", async () => {
    const { moov } = await moovOf(clip);
    const edit = singleEdit(need(moov, "trak"));
    const mediaTime = mp4boxSamples(clip).movie.videoTracks[0]!.edits?.[0]?.media_time;
    expect(edit).toBeDefined();
    expect(edit!.mediaTime).toBe(BigInt(mediaTime!));
    expect(edit!.box.type).toBe("elst");
  });

  it("is undefined without an edit list, and refuses one with several entries", () => {
    expect(singleEdit({ type: "trak", children: [] })).toBeUndefined();
    const elst = Buffer.concat([u32(0, 2), u32(100, 0, 0x10000), u32(200, 50, 0x10000)]);
    expect(() => singleEdit({ type: "trak", children: [{ type: "edts", children: [{ type: "elst", raw: elst }] }] })).toThrow(/several entries/);
  });
});

group("sampleDescriptionKey", () => {
  const stsdOf = async (file: string) => need(describe((await moovOf(file)).moov).stbl, "stsd").raw!;

  it("is the same for clips of one encoder setting, whatever their measured bit rates (btrt)", async () => {
    const other = await encodeBarcodeClip(ffmpeg, dir, "other-content.mp4", 96, 64, 30, 9);
    const [a, b] = [await stsdOf(clip), await stsdOf(other)];
    expect(sampleDescriptionKey(a).equals(sampleDescriptionKey(b))).toBe(true);
    // The btrt boxes themselves differ: other content, other bit rate.
    const btrt = (s: Buffer) => { const i = s.indexOf("btrt", 0, "latin1"); expect(i).toBeGreaterThan(0); return s.subarray(i, i + 16).toString("hex"); };
    expect(btrt(a)).not.toBe(btrt(b));
    expect(a.equals(b)).toBe(false);
  });

  it("differs for another frame size", async () => {
    const bigger = await encodeBarcodeClip(ffmpeg, dir, "bigger.mp4", 128, 96, 4, 1);
    expect(sampleDescriptionKey(await stsdOf(clip)).equals(sampleDescriptionKey(await stsdOf(bigger)))).toBe(false);
  });

  it("refuses an stsd with several entries", async () => {
    const stsd = Buffer.from(await stsdOf(clip));
    stsd.writeUInt32BE(2, 4);
    expect(() => sampleDescriptionKey(stsd)).toThrow(/expected one sample description/);
  });
});

group("readMoov", () => {
  it("refuses a file with no moov, or two", async () => {
    const none = path.join(dir, "no-moov.mp4");
    fs.writeFileSync(none, Buffer.concat([box("ftyp", 8), box("mdat", 16)]));
    await expect(withHandle(none, async (h, size) => readMoov(h, await topLevelBoxes(h, size), "none.mp4"))).rejects.toThrow(/none\.mp4 has 0 moov boxes/);
    const { box: top } = await moovOf(clip);
    const moovBytes = fs.readFileSync(clip).subarray(top.offset, top.offset + top.size);
    const two = path.join(dir, "two-moovs.mp4");
    fs.writeFileSync(two, Buffer.concat([box("ftyp", 8), moovBytes, moovBytes]));
    await expect(withHandle(two, async (h, size) => readMoov(h, await topLevelBoxes(h, size), "two.mp4"))).rejects.toThrow(/two\.mp4 has 2 moov boxes/);
  });
});
