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
import type { Box, Track } from "./mp4-boxes.js";
import {
  Mp4LayoutError, buildTable, chunkOffsets, child, describe, durationField, need, readMoov, sampleDescriptionKey, serialize,
  singleEdit, tableRows, topLevelBoxes,
} from "./mp4-boxes.js";

/** A file the in-place appender cannot handle: the caller remuxes with ffmpeg instead. */
export { Mp4LayoutError as NotAppendableError };

/** The merged moov for `base` followed by `clip`, whose chunk offsets move by `shift`. */
function mergeMoov(base: Track, clip: Track, shift: bigint): Buffer {
  if (!sampleDescriptionKey(need(base.stbl, "stsd").raw!).equals(sampleDescriptionKey(need(clip.stbl, "stsd").raw!))) throw new Mp4LayoutError("the clip was encoded with a different sample description");
  const mdhd = (t: Track) => durationField(need(need(t.trak, "mdia"), "mdhd"));
  const mvhd = (t: Track) => durationField(need(t.moov, "mvhd"));
  if (mdhd(base).timescale !== mdhd(clip).timescale || mvhd(base).timescale !== mvhd(clip).timescale) {
    throw new Mp4LayoutError("the clip has another timescale");
  }
  const baseEdit = singleEdit(base.trak);
  const clipEdit = singleEdit(clip.trak);
  if (baseEdit?.mediaTime !== clipEdit?.mediaTime) throw new Mp4LayoutError("the clip starts at another media time");
  const hasCtts = (t: Track) => child(t.stbl, "ctts") !== undefined;
  const hasStss = (t: Track) => child(t.stbl, "stss") !== undefined;
  const hasSdtp = (t: Track) => child(t.stbl, "sdtp") !== undefined;
  if (hasCtts(base) !== hasCtts(clip) || hasStss(base) !== hasStss(clip) || hasSdtp(base) !== hasSdtp(clip)) throw new Mp4LayoutError("the clip's sample tables differ in kind");

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
    if (mdats.length !== 1) throw new Mp4LayoutError(`the clip has ${mdats.length} mdat boxes`);
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
