/**
 * Append an episode clip to a dataset mp4 in place, in time proportional to the clip: the clip's
 * media data is added at the end of the file and followed by a new `moov` whose sample tables
 * are the old ones plus the clip's; the old `moov` becomes a `free` box. Nothing already in the
 * file is copied, unlike a concat remux, which rewrites the whole file on every episode.
 *
 * Crash safety: until the last 4-byte write turns the old `moov` into `free`, the file still
 * starts with the old `moov`, and ffmpeg (hence PyAV/torchcodec) uses the first `moov` it meets,
 * so an interrupted append leaves the earlier episodes readable.
 *
 * Only files this module understands are appended (one video track, same sample description and
 * timescale, a single edit); anything else throws NotAppendableError and the caller remuxes.
 */
import fs from "node:fs";

export class NotAppendableError extends Error {
  override name = "NotAppendableError";
}

interface TopBox { type: string; offset: number; size: number; headerSize: number }

/** Top-level boxes of a file, from their headers only. */
async function topLevelBoxes(handle: fs.promises.FileHandle, fileSize: number): Promise<TopBox[]> {
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
    if (size < headerSize || offset + size > fileSize) throw new NotAppendableError(`box '${type}' at ${offset} runs past the end of the file`);
    boxes.push({ type, offset, size, headerSize });
    offset += size;
  }
  return boxes;
}

/** A box inside moov: containers on the path to the sample tables keep children, the rest raw bytes. */
interface Box { type: string; raw?: Buffer; children?: Box[] }

const CONTAINERS = new Set(["moov", "trak", "mdia", "minf", "stbl", "edts"]);

function parseBoxes(buf: Buffer): Box[] {
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
    if (size < headerSize || at + size > buf.length) throw new NotAppendableError(`malformed box '${type}' in moov`);
    const body = buf.subarray(at + headerSize, at + size);
    out.push(CONTAINERS.has(type) ? { type, children: parseBoxes(body) } : { type, raw: body });
    at += size;
  }
  return out;
}

function serialize(box: Box): Buffer {
  const body = box.children ? Buffer.concat(box.children.map(serialize)) : box.raw!;
  const header = Buffer.alloc(8);
  header.writeUInt32BE(body.length + 8, 0);
  header.write(box.type, 4, "latin1");
  return Buffer.concat([header, body]);
}

const child = (box: Box, type: string): Box | undefined => box.children?.find((c) => c.type === type);
function need(box: Box | undefined, type: string): Box {
  const found = box && child(box, type);
  if (!found) throw new NotAppendableError(`no '${type}' box`);
  return found;
}

/** Durations in mvhd/tkhd/mdhd, whose offset depends on the full-box version. */
function durationField(box: Box): { read(): number; write(v: number): void; timescale?: number } {
  const raw = box.raw!;
  const v1 = raw[0] === 1;
  const at = box.type === "tkhd" ? (v1 ? 4 + 8 + 8 + 4 + 4 : 4 + 4 + 4 + 4 + 4) : (v1 ? 4 + 8 + 8 + 4 : 4 + 4 + 4 + 4);
  const timescale = box.type === "tkhd" ? undefined : raw.readUInt32BE(at - 4);
  return {
    timescale,
    read: () => (v1 ? Number(raw.readBigUInt64BE(at)) : raw.readUInt32BE(at)),
    write: (value: number) => {
      if (v1) raw.writeBigUInt64BE(BigInt(value), at);
      else if (value > 0xffffffff) throw new NotAppendableError("duration does not fit a version-0 box");
      else raw.writeUInt32BE(value, at);
    },
  };
}

/** Entries of a full-box table: after version/flags (and `prefix` extra bytes), a u32 count and fixed-size rows. */
function tableRows(raw: Buffer, prefix: number, rowBytes: number): Buffer[] {
  const count = raw.readUInt32BE(4 + prefix);
  const start = 8 + prefix;
  if (start + count * rowBytes > raw.length) throw new NotAppendableError("sample table shorter than its count");
  return Array.from({ length: count }, (_, i) => raw.subarray(start + i * rowBytes, start + (i + 1) * rowBytes));
}

function buildTable(versionFlags: Buffer, prefix: Buffer, rows: Buffer[]): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(rows.length, 0);
  return Buffer.concat([versionFlags, prefix, count, ...rows]);
}

interface Track {
  moov: Box; trak: Box; stbl: Box;
  samples: number; chunks: number; mediaDuration: number;
}

function describe(moov: Box): Track {
  const traks = moov.children!.filter((c) => c.type === "trak");
  if (traks.length !== 1) throw new NotAppendableError(`expected one track, found ${traks.length}`);
  const trak = traks[0]!;
  const mdia = need(trak, "mdia");
  const stbl = need(need(mdia, "minf"), "stbl");
  const allowed = new Set(["stsd", "stts", "ctts", "stss", "sdtp", "stsc", "stsz", "stco", "co64"]);
  for (const box of stbl.children!) if (!allowed.has(box.type)) throw new NotAppendableError(`sample table has a '${box.type}' box`);
  const stsz = need(stbl, "stsz").raw!;
  if (stsz.readUInt32BE(4) !== 0) throw new NotAppendableError("constant sample size tables are not handled");
  const chunkBox = child(stbl, "stco") ?? need(stbl, "co64");
  return {
    moov, trak, stbl,
    samples: stsz.readUInt32BE(8),
    chunks: chunkBox.raw!.readUInt32BE(4),
    mediaDuration: durationField(need(mdia, "mdhd")).read(),
  };
}

function chunkOffsets(stbl: Box): bigint[] {
  const stco = child(stbl, "stco");
  if (stco) return tableRows(stco.raw!, 0, 4).map((r) => BigInt(r.readUInt32BE(0)));
  return tableRows(need(stbl, "co64").raw!, 0, 8).map((r) => r.readBigUInt64BE(0));
}

function singleEdit(trak: Box): { version: number; mediaTime: bigint; box: Box } | undefined {
  const edts = child(trak, "edts");
  if (!edts) return undefined;
  const elst = need(edts, "elst");
  const raw = elst.raw!;
  const version = raw[0]!;
  if (raw.readUInt32BE(4) !== 1) throw new NotAppendableError("edit lists with several entries are not handled");
  const mediaTime = version === 1 ? raw.readBigInt64BE(16) : BigInt(raw.readInt32BE(12));
  return { version, mediaTime, box: elst };
}

/** Bytes of a visual sample entry before its child boxes (box header, reserved, dref index, 70 bytes of fields). */
const VISUAL_ENTRY_FIELDS = 8 + 8 + 70;

/**
 * What must match for two clips to share a sample description: the stsd with the `btrt` box
 * (bit rates measured on each clip, informational) left out of its one sample entry.
 */
function sampleDescriptionKey(stsd: Buffer): Buffer {
  if (stsd.readUInt32BE(4) !== 1) throw new NotAppendableError("expected one sample description");
  const entry = stsd.subarray(8, 8 + stsd.readUInt32BE(8));
  if (entry.length < VISUAL_ENTRY_FIELDS) throw new NotAppendableError("sample description too short");
  const parts = [entry.subarray(4, VISUAL_ENTRY_FIELDS)];
  for (let at = VISUAL_ENTRY_FIELDS; at + 8 <= entry.length;) {
    const size = entry.readUInt32BE(at);
    if (size < 8 || at + size > entry.length) throw new NotAppendableError("malformed sample description");
    if (entry.toString("latin1", at + 4, at + 8) !== "btrt") parts.push(entry.subarray(at, at + size));
    at += size;
  }
  return Buffer.concat(parts);
}

/** The merged moov for `base` followed by `clip`, whose chunk offsets move by `shift`. */
function mergeMoov(base: Track, clip: Track, shift: bigint): Buffer {
  if (!sampleDescriptionKey(need(base.stbl, "stsd").raw!).equals(sampleDescriptionKey(need(clip.stbl, "stsd").raw!))) throw new NotAppendableError("the clip was encoded with a different sample description");
  const mdhd = (t: Track) => durationField(need(need(t.trak, "mdia"), "mdhd"));
  const mvhd = (t: Track) => durationField(need(t.moov, "mvhd"));
  if (mdhd(base).timescale !== mdhd(clip).timescale || mvhd(base).timescale !== mvhd(clip).timescale) {
    throw new NotAppendableError("the clip has another timescale");
  }
  const baseEdit = singleEdit(base.trak);
  const clipEdit = singleEdit(clip.trak);
  if (baseEdit?.mediaTime !== clipEdit?.mediaTime) throw new NotAppendableError("the clip starts at another media time");
  const hasCtts = (t: Track) => child(t.stbl, "ctts") !== undefined;
  const hasStss = (t: Track) => child(t.stbl, "stss") !== undefined;
  const hasSdtp = (t: Track) => child(t.stbl, "sdtp") !== undefined;
  if (hasCtts(base) !== hasCtts(clip) || hasStss(base) !== hasStss(clip) || hasSdtp(base) !== hasSdtp(clip)) throw new NotAppendableError("the clip's sample tables differ in kind");

  const vf = (box: Box) => box.raw!.subarray(0, 4);
  const merged = new Map<string, Box>();
  const concatTable = (type: string, rowBytes: number, adjust?: (row: Buffer) => Buffer) => {
    const a = need(base.stbl, type);
    const rows = [...tableRows(a.raw!, 0, rowBytes), ...tableRows(need(clip.stbl, type).raw!, 0, rowBytes).map(adjust ?? ((r) => r))];
    merged.set(type, { type, raw: buildTable(vf(a), Buffer.alloc(0), rows) });
  };
  const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v, 0); return b; };
  concatTable("stts", 8);
  if (hasCtts(base)) concatTable("ctts", 8);
  if (hasStss(base)) concatTable("stss", 4, (r) => u32(r.readUInt32BE(0) + base.samples));
  if (hasSdtp(base)) {
    // One dependency byte per sample after version/flags, no count.
    const a = need(base.stbl, "sdtp").raw!;
    merged.set("sdtp", { type: "sdtp", raw: Buffer.concat([a, need(clip.stbl, "sdtp").raw!.subarray(4)]) });
  }
  concatTable("stsc", 12, (r) => Buffer.concat([u32(r.readUInt32BE(0) + base.chunks), r.subarray(4)]));
  const stszA = need(base.stbl, "stsz").raw!;
  const sizes = [...tableRows(stszA, 4, 4), ...tableRows(need(clip.stbl, "stsz").raw!, 4, 4)];
  merged.set("stsz", { type: "stsz", raw: buildTable(vf({ type: "stsz", raw: stszA }), Buffer.alloc(4), sizes) });
  const offsets = [...chunkOffsets(base.stbl), ...chunkOffsets(clip.stbl).map((o) => o + shift)];
  const wide = offsets.some((o) => o > 0xffffffffn);
  const rows = offsets.map((o) => { const b = Buffer.alloc(wide ? 8 : 4); if (wide) b.writeBigUInt64BE(o, 0); else b.writeUInt32BE(Number(o), 0); return b; });
  const chunkType = wide ? "co64" : "stco";
  merged.set(chunkType, { type: chunkType, raw: buildTable(Buffer.alloc(4), Buffer.alloc(0), rows) });

  base.stbl.children = base.stbl.children!
    .map((box) => (box.type === "stco" || box.type === "co64" ? merged.get(chunkType)! : merged.get(box.type) ?? box));

  // Durations: media time in the track's timescale, presentation time in the movie's.
  const mediaDuration = base.mediaDuration + clip.mediaDuration;
  mdhd(base).write(mediaDuration);
  const movieScale = mvhd(base).timescale!;
  const mediaScale = mdhd(base).timescale!;
  // The edit shows every sample: its length is the sum of their durations, wherever it starts
  // (media_time only says which media time is shown first). Round up: an edit cut short by
  // rounding hides the last frame from ffmpeg and LeRobot's decoders.
  const movieDuration = Math.ceil((mediaDuration * movieScale) / mediaScale);
  mvhd(base).write(movieDuration);
  durationField(need(base.trak, "tkhd")).write(movieDuration);
  if (baseEdit) {
    const raw = baseEdit.box.raw!;
    if (baseEdit.version === 1) raw.writeBigUInt64BE(BigInt(movieDuration), 8);
    else raw.writeUInt32BE(movieDuration, 8);
  }
  return serialize(base.moov);
}

async function readMoov(handle: fs.promises.FileHandle, boxes: TopBox[], name: string): Promise<{ moov: Box; box: TopBox }> {
  const moovs = boxes.filter((b) => b.type === "moov");
  if (moovs.length !== 1) throw new NotAppendableError(`${name} has ${moovs.length} moov boxes`);
  const box = moovs[0]!;
  const buf = Buffer.alloc(box.size - box.headerSize);
  await handle.read(buf, 0, buf.length, box.offset + box.headerSize);
  return { moov: { type: "moov", children: parseBoxes(buf) }, box };
}

/**
 * Append `clip` (a complete mp4 with one video track) to `target` in place. The returned undo()
 * puts the file back as it was (old moov restored, the appended bytes cut off), for a save that
 * fails after its videos were appended.
 */
export async function appendMp4InPlace(target: string, clip: string): Promise<{ undo(): Promise<void> }> {
  const clipHandle = await fs.promises.open(clip, "r");
  const targetHandle = await fs.promises.open(target, "r+");
  try {
    const clipSize = (await clipHandle.stat()).size;
    const targetSize = (await targetHandle.stat()).size;
    const clipBoxes = await topLevelBoxes(clipHandle, clipSize);
    const targetBoxes = await topLevelBoxes(targetHandle, targetSize);
    const mdats = clipBoxes.filter((b) => b.type === "mdat");
    if (mdats.length !== 1) throw new NotAppendableError(`the clip has ${mdats.length} mdat boxes`);
    const mdat = mdats[0]!;
    const base = describe((await readMoov(targetHandle, targetBoxes, "the target")).moov);
    const oldMoov = targetBoxes.find((b) => b.type === "moov")!;
    const clipTrack = describe((await readMoov(clipHandle, clipBoxes, "the clip")).moov);

    // New layout: ... old moov (to become free) | mdat with the clip's media | new moov.
    const payload = mdat.size - mdat.headerSize;
    const newMdatAt = targetSize;
    const wideMdat = payload + 8 > 0xffffffff;
    const mdatHeader = Buffer.alloc(wideMdat ? 16 : 8);
    if (wideMdat) {
      mdatHeader.writeUInt32BE(1, 0);
      mdatHeader.write("mdat", 4, "latin1");
      mdatHeader.writeBigUInt64BE(BigInt(payload + 16), 8);
    } else {
      mdatHeader.writeUInt32BE(payload + 8, 0);
      mdatHeader.write("mdat", 4, "latin1");
    }
    const shift = BigInt(newMdatAt + mdatHeader.length - (mdat.offset + mdat.headerSize));
    const moovBytes = mergeMoov(base, clipTrack, shift);

    let at = newMdatAt;
    await targetHandle.write(mdatHeader, 0, mdatHeader.length, at);
    at += mdatHeader.length;
    const chunk = Buffer.alloc(8 * 1024 * 1024);
    for (let done = 0; done < payload;) {
      const { bytesRead } = await clipHandle.read(chunk, 0, Math.min(chunk.length, payload - done), mdat.offset + mdat.headerSize + done);
      if (bytesRead === 0) throw new Error(`${clip} ended early`);
      await targetHandle.write(chunk, 0, bytesRead, at);
      at += bytesRead;
      done += bytesRead;
    }
    await targetHandle.write(moovBytes, 0, moovBytes.length, at);
    await targetHandle.sync();
    // The switch: from here the new moov is the file's only one.
    await targetHandle.write(Buffer.from("free", "latin1"), 0, 4, oldMoov.offset + 4);
    await targetHandle.sync();
    return {
      undo: async () => {
        const handle = await fs.promises.open(target, "r+");
        try {
          await handle.write(Buffer.from("moov", "latin1"), 0, 4, oldMoov.offset + 4);
          await handle.truncate(targetSize);
          await handle.sync();
        } finally {
          await handle.close();
        }
      },
    };
  } finally {
    await clipHandle.close();
    await targetHandle.close();
  }
}
