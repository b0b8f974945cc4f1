/**
 * videos.edit_list: an mp4 whose edit list ends before its last frames, which ffmpeg (and so
 * LeRobot's decoders) then never shows. The edit's duration is lengthened to cover every sample,
 * in place in the moov box (same size, nothing else moves); the media and the edit's start are
 * untouched, so every frame keeps its presentation time. That is checked on the rewritten file
 * before it replaces the original: same frames at the same timestamps, none hidden.
 */
import fs from "node:fs";
import type { Box, Mp4Info } from "../../dataset/index.js";
import { Mp4LayoutError, child, durationField, need, readMoov, serialize, topLevelBoxes, probeMp4, resolveInside } from "../../dataset/index.js";
import { replaceFile } from "./replace.js";
import type { PlanInput, RepairPlan } from "./types.js";
import { emptyPlan, findingsOf } from "./types.js";

const CHECK = "videos.edit_list";

export async function planEditLists(input: PlanInput): Promise<RepairPlan> {
  const plan = emptyPlan();
  const files = [...new Set(findingsOf(input.findings, CHECK).map((f) => f.file!))];
  for (const [i, rel] of files.entries()) {
    input.progress("videos", i, files.length);
    const file = resolveInside(input.root, rel);
    try {
      const before = await probeMp4(file);
      const patch = await planPatch(file);
      plan.steps.push({
        check: CHECK, file: rel, settles: [CHECK],
        what: `lengthened the edit list from ${patch.fromS.toFixed(6)} s to ${patch.toS.toFixed(6)} s so its last ${before.framesOutsideEdit} frame(s) show (moov edited in place; no frame moved or re-encoded)`,
        apply: () => applyPatch(file, patch, before),
      });
    } catch (error) {
      const why = error instanceof Mp4LayoutError
        ? `its layout is not one repair edits (${error.message}); remux it with ffmpeg -c copy and check the episodes' timestamps`
        : `it cannot be read: ${(error as Error).message.split("\n")[0]}`;
      plan.refused.push({ check: CHECK, file: rel, why });
    }
  }
  input.progress("videos", files.length, files.length);
  return plan;
}

interface EditListPatch {
  moovOffset: number;
  moov: Buffer;
  fromS: number;
  toS: number;
}

/** The file's moov with the video track's one media edit lengthened to the media duration. */
async function planPatch(file: string): Promise<EditListPatch> {
  const handle = await fs.promises.open(file, "r");
  try {
    const size = (await handle.stat()).size;
    const { moov, box } = await readMoov(handle, await topLevelBoxes(handle, size), file);
    const trak = videoTrack(moov);
    const mvhd = durationField(need(moov, "mvhd"));
    const mdhd = durationField(need(need(trak, "mdia"), "mdhd"));
    const tkhd = durationField(need(trak, "tkhd"));
    const elst = need(need(trak, "edts"), "elst").raw!;
    const movieScale = mvhd.timescale!;
    const v1 = elst[0] === 1;
    const rowBytes = v1 ? 20 : 12;
    const count = elst.readUInt32BE(4);
    if (8 + count * rowBytes > elst.length) throw new Mp4LayoutError("edit list shorter than its count");
    const entries = Array.from({ length: count }, (_, i) => {
      const at = 8 + i * rowBytes;
      const duration = v1 ? Number(elst.readBigUInt64BE(at)) : elst.readUInt32BE(at);
      const mediaTime = v1 ? Number(elst.readBigInt64BE(at + 8)) : elst.readInt32BE(at + 4);
      return { at, duration, mediaTime };
    });
    const media = entries.filter((e) => e.mediaTime >= 0);
    if (media.length !== 1) throw new Mp4LayoutError(`the edit list has ${media.length} media edits`);
    const edit = media[0]!;
    // Every sample shown: the edit lasts the media's whole duration, rounded up (as the appender writes it).
    const wanted = Math.ceil((mdhd.read() * movieScale) / mdhd.timescale!);
    if (wanted <= edit.duration) throw new Mp4LayoutError("the edit already lasts as long as the media");
    if (v1) elst.writeBigUInt64BE(BigInt(wanted), edit.at);
    else if (wanted > 0xffffffff) throw new Mp4LayoutError("the duration does not fit a version-0 edit list");
    else elst.writeUInt32BE(wanted, edit.at);
    const presented = entries.reduce((n, e) => n + (e === edit ? wanted : e.duration), 0);
    if (mvhd.read() < presented) mvhd.write(presented);
    if (tkhd.read() < presented) tkhd.write(presented);
    const bytes = serialize(moov);
    if (bytes.length !== box.size) throw new Mp4LayoutError("the moov box would change size");
    return { moovOffset: box.offset, moov: bytes, fromS: edit.duration / movieScale, toS: wanted / movieScale };
  } finally {
    await handle.close();
  }
}

/** The one video track of the movie (handler 'vide'). */
function videoTrack(moov: Box): Box {
  const video = (moov.children ?? []).filter((b) => {
    if (b.type !== "trak") return false;
    const hdlr = child(need(b, "mdia"), "hdlr")?.raw;
    return hdlr !== undefined && hdlr.toString("latin1", 8, 12) === "vide";
  });
  if (video.length !== 1) throw new Mp4LayoutError(`expected one video track, found ${video.length}`);
  return video[0]!;
}

async function applyPatch(file: string, patch: EditListPatch, before: Mp4Info): Promise<void> {
  await replaceFile(
    file,
    async (staged) => {
      await fs.promises.copyFile(file, staged);
      const handle = await fs.promises.open(staged, "r+");
      try {
        await handle.write(patch.moov, 0, patch.moov.length, patch.moovOffset);
      } finally {
        await handle.close();
      }
    },
    async (staged) => {
      const after = await probeMp4(staged);
      if (after.framesOutsideEdit !== 0) throw new Error(`${after.framesOutsideEdit} frame(s) are still outside the edit list`);
      const same = after.frameCount === before.frameCount && after.timestampsS.every((t, i) => Math.abs(t - before.timestampsS[i]!) < 1e-9);
      if (!same) throw new Error("the frames' timestamps changed, so the episodes' from/to timestamps would point at other frames");
    },
  );
}
