/**
 * The mp4 boxes lerobot-ts edits without re-encoding (appending an episode in place, splicing
 * episodes of several files into one): top-level box headers, the moov tree down to the sample
 * tables, and the tables themselves. Files with another layout (several tracks, constant sample
 * sizes, several edits) raise Mp4LayoutError, and callers fall back to ffmpeg.
 */
import type fs from "node:fs";

export class Mp4LayoutError extends Error {
  override name = "Mp4LayoutError";
}

export interface TopBox { type: string; offset: number; size: number; headerSize: number }

/** Top-level boxes of a file, from their headers only. */
export async function topLevelBoxes(handle: fs.promises.FileHandle, fileSize: number): Promise<TopBox[]> {
  const boxes: TopBox[] = [];
  const header = Buffer.alloc(16);
  let offset = 0;
  while (offset + 8 <= fileSize) {
    await handle.read(header, 0, 16, offset);
    let size = header.readUInt32BE(0);
    const type = header.toString("latin1", 4, 8);
    let headerSize = 8;
    if (size === 1) {
      size = Number(header.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) {
      size = fileSize - offset;
    }
    if (size < headerSize || offset + size > fileSize) throw new Mp4LayoutError(`box '${type}' at ${offset} runs past the end of the file`);
    boxes.push({ type, offset, size, headerSize });
    offset += size;
  }
  return boxes;
}

/** A box inside moov: containers on the path to the sample tables keep children, the rest raw bytes. */
export interface Box { type: string; raw?: Buffer; children?: Box[] }

export const CONTAINERS = new Set(["moov", "trak", "mdia", "minf", "stbl", "edts"]);

export function parseBoxes(buf: Buffer): Box[] {
  const out: Box[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString("latin1", at + 4, at + 8);
    let headerSize = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(at + 8));
      headerSize = 16;
    } else if (size === 0) size = buf.length - at;
    if (size < headerSize || at + size > buf.length) throw new Mp4LayoutError(`malformed box '${type}' in moov`);
    const body = buf.subarray(at + headerSize, at + size);
    out.push(CONTAINERS.has(type) ? { type, children: parseBoxes(body) } : { type, raw: body });
    at += size;
  }
  return out;
}

/** The box's bytes, written into one buffer (a moov of a long file is copied once, not once per level). */
export function serialize(box: Box): Buffer {
  const out = Buffer.allocUnsafe(boxSize(box));
  writeBox(box, out, 0);
  return out;
}

function boxSize(box: Box): number {
  return 8 + (box.children ? box.children.reduce((n, c) => n + boxSize(c), 0) : box.raw!.length);
}

function writeBox(box: Box, out: Buffer, at: number): number {
  const start = at;
  out.write(box.type, at + 4, "latin1");
  at += 8;
  if (box.children) for (const c of box.children) at = writeBox(c, out, at);
  else at += box.raw!.copy(out, at);
  out.writeUInt32BE(at - start, start);
  return at;
}

export const child = (box: Box, type: string): Box | undefined => box.children?.find((c) => c.type === type);
export function need(box: Box | undefined, type: string): Box {
  const found = box && child(box, type);
  if (!found) throw new Mp4LayoutError(`no '${type}' box`);
  return found;
}

/** Durations in mvhd/tkhd/mdhd, whose offset depends on the full-box version. */
export function durationField(box: Box): { read(): number; write(v: number): void; timescale?: number } {
  const raw = box.raw!;
  const v1 = raw[0] === 1;
  const at = box.type === "tkhd" ? (v1 ? 4 + 8 + 8 + 4 + 4 : 4 + 4 + 4 + 4 + 4) : (v1 ? 4 + 8 + 8 + 4 : 4 + 4 + 4 + 4);
  const timescale = box.type === "tkhd" ? undefined : raw.readUInt32BE(at - 4);
  return {
    timescale,
    read: () => (v1 ? Number(raw.readBigUInt64BE(at)) : raw.readUInt32BE(at)),
    write: (value: number) => {
      if (v1) raw.writeBigUInt64BE(BigInt(value), at);
      else if (value > 0xffffffff) throw new Mp4LayoutError("duration does not fit a version-0 box");
      else raw.writeUInt32BE(value, at);
    },
  };
}

/** Entries of a full-box table: after version/flags (and `prefix` extra bytes), a u32 count and fixed-size rows. */
export function tableRows(raw: Buffer, prefix: number, rowBytes: number): Buffer[] {
  const count = raw.readUInt32BE(4 + prefix);
  const start = 8 + prefix;
  if (start + count * rowBytes > raw.length) throw new Mp4LayoutError("sample table shorter than its count");
  return Array.from({ length: count }, (_, i) => raw.subarray(start + i * rowBytes, start + (i + 1) * rowBytes));
}

export function buildTable(versionFlags: Buffer, prefix: Buffer, rows: Buffer[]): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(rows.length, 0);
  return Buffer.concat([versionFlags, prefix, count, ...rows]);
}

export interface Track {
  moov: Box; trak: Box; stbl: Box;
  samples: number; chunks: number; mediaDuration: number;
}

export function describe(moov: Box): Track {
  const traks = moov.children!.filter((c) => c.type === "trak");
  if (traks.length !== 1) throw new Mp4LayoutError(`expected one track, found ${traks.length}`);
  const trak = traks[0]!;
  const mdia = need(trak, "mdia");
  const stbl = need(need(mdia, "minf"), "stbl");
  const allowed = new Set(["stsd", "stts", "ctts", "stss", "sdtp", "stsc", "stsz", "stco", "co64"]);
  for (const box of stbl.children!) if (!allowed.has(box.type)) throw new Mp4LayoutError(`sample table has a '${box.type}' box`);
  const stsz = need(stbl, "stsz").raw!;
  if (stsz.readUInt32BE(4) !== 0) throw new Mp4LayoutError("constant sample size tables are not handled");
  const chunkBox = child(stbl, "stco") ?? need(stbl, "co64");
  return {
    moov, trak, stbl,
    samples: stsz.readUInt32BE(8),
    chunks: chunkBox.raw!.readUInt32BE(4),
    mediaDuration: durationField(need(mdia, "mdhd")).read(),
  };
}

export function chunkOffsets(stbl: Box): bigint[] {
  const stco = child(stbl, "stco");
  if (stco) return tableRows(stco.raw!, 0, 4).map((r) => BigInt(r.readUInt32BE(0)));
  return tableRows(need(stbl, "co64").raw!, 0, 8).map((r) => r.readBigUInt64BE(0));
}

export function singleEdit(trak: Box): { version: number; mediaTime: bigint; box: Box } | undefined {
  const edts = child(trak, "edts");
  if (!edts) return undefined;
  const elst = need(edts, "elst");
  const raw = elst.raw!;
  const version = raw[0]!;
  if (raw.readUInt32BE(4) !== 1) throw new Mp4LayoutError("edit lists with several entries are not handled");
  const mediaTime = version === 1 ? raw.readBigInt64BE(16) : BigInt(raw.readInt32BE(12));
  return { version, mediaTime, box: elst };
}

/** Bytes of a visual sample entry before its child boxes (box header, reserved, dref index, 70 bytes of fields). */
export const VISUAL_ENTRY_FIELDS = 8 + 8 + 70;

/**
 * What must match for two clips to share a sample description: the stsd with the `btrt` box
 * (bit rates measured on each clip, informational) left out of its one sample entry.
 */
export function sampleDescriptionKey(stsd: Buffer): Buffer {
  if (stsd.readUInt32BE(4) !== 1) throw new Mp4LayoutError("expected one sample description");
  const entry = stsd.subarray(8, 8 + stsd.readUInt32BE(8));
  if (entry.length < VISUAL_ENTRY_FIELDS) throw new Mp4LayoutError("sample description too short");
  const parts = [entry.subarray(4, VISUAL_ENTRY_FIELDS)];
  for (let at = VISUAL_ENTRY_FIELDS; at + 8 <= entry.length;) {
    const size = entry.readUInt32BE(at);
    if (size < 8 || at + size > entry.length) throw new Mp4LayoutError("malformed sample description");
    if (entry.toString("latin1", at + 4, at + 8) !== "btrt") parts.push(entry.subarray(at, at + size));
    at += size;
  }
  return Buffer.concat(parts);
}


export async function readMoov(handle: fs.promises.FileHandle, boxes: TopBox[], name: string): Promise<{ moov: Box; box: TopBox }> {
  const moovs = boxes.filter((b) => b.type === "moov");
  if (moovs.length !== 1) throw new Mp4LayoutError(`${name} has ${moovs.length} moov boxes`);
  const box = moovs[0]!;
  const buf = Buffer.alloc(box.size - box.headerSize);
  await handle.read(buf, 0, buf.length, box.offset + box.headerSize);
  return { moov: { type: "moov", children: parseBoxes(buf) }, box };
}
