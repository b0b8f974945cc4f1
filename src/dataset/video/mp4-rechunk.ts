/**
 * A clip's samples spread over several places of the target file: where each sample of the clip
 * lies in the clip, and the chunk tables (stsc, stco) for the clip's samples once they are written
 * as one chunk per place. This is what lets an append fill holes of a file with a clip's media
 * even when the whole clip is bigger than any hole.
 */
import type { Track } from "./mp4-boxes.js";
import { Mp4LayoutError, buildTable, chunkOffsets, need, tableRows } from "./mp4-boxes.js";

/** Offset in the clip file and size of each sample, in decoding order; and the sample description index. */
export function sampleLayout(track: Track): { offsets: number[]; sizes: number[]; descriptionIndex: number } {
  const stsc = tableRows(need(track.stbl, "stsc").raw!, 0, 12).map((r) => ({ first: r.readUInt32BE(0), perChunk: r.readUInt32BE(4), sdi: r.readUInt32BE(8) }));
  const sizes = tableRows(need(track.stbl, "stsz").raw!, 4, 4).map((r) => r.readUInt32BE(0));
  const chunks = chunkOffsets(track.stbl);
  if (stsc.length === 0 || new Set(stsc.map((r) => r.sdi)).size !== 1) throw new Mp4LayoutError("the clip's chunks use several sample descriptions");
  const offsets: number[] = [];
  for (let c = 0, row = 0; c < chunks.length; c++) {
    while (row + 1 < stsc.length && stsc[row + 1]!.first <= c + 1) row++;
    let at = Number(chunks[c]!);
    for (let s = 0; s < stsc[row]!.perChunk && offsets.length < sizes.length; s++) {
      offsets.push(at);
      at += sizes[offsets.length - 1]!;
    }
  }
  if (offsets.length !== sizes.length) throw new Mp4LayoutError(`the clip's chunks hold ${offsets.length} of its ${sizes.length} samples`);
  return { offsets, sizes, descriptionIndex: stsc[0]!.sdi };
}

/** Make the track's samples one chunk per entry of `chunks`, in order (offsets in the target file). */
export function setChunks(track: Track, chunks: { offset: number; samples: number }[], descriptionIndex: number): void {
  const u32 = (...values: number[]) => { const b = Buffer.alloc(4 * values.length); values.forEach((v, i) => b.writeUInt32BE(v, 4 * i)); return b; };
  const stscRows: Buffer[] = [];
  chunks.forEach((chunk, i) => {
    const previous = i > 0 ? chunks[i - 1]!.samples : -1;
    if (chunk.samples !== previous) stscRows.push(u32(i + 1, chunk.samples, descriptionIndex));
  });
  const wide = chunks.some((c) => c.offset > 0xffffffff);
  const offsetRows = chunks.map((c) => { const b = Buffer.alloc(wide ? 8 : 4); if (wide) b.writeBigUInt64BE(BigInt(c.offset), 0); else b.writeUInt32BE(c.offset, 0); return b; });
  const chunkType = wide ? "co64" : "stco";
  track.stbl.children = track.stbl.children!.map((box) => {
    if (box.type === "stsc") return { type: "stsc", raw: buildTable(Buffer.alloc(4), Buffer.alloc(0), stscRows) };
    if (box.type === "stco" || box.type === "co64") return { type: chunkType, raw: buildTable(Buffer.alloc(4), Buffer.alloc(0), offsetRows) };
    return box;
  });
  track.chunks = chunks.length;
}
