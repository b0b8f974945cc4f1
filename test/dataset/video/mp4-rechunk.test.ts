/**
 * A clip's samples located in the clip (sampleLayout), and its chunk tables rewritten for new
 * places in a target (setChunks): checked against mp4box's reading of real ffmpeg clips.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Track } from "../../../src/dataset/video/mp4-boxes.js";
import { buildTable, chunkOffsets, describe as describeTrack, need, readMoov, serialize, tableRows, topLevelBoxes } from "../../../src/dataset/video/mp4-boxes.js";
import { sampleLayout, setChunks } from "../../../src/dataset/video/mp4-rechunk.js";
import { findFfmpeg } from "../../../src/system/ffmpeg.js";
import { encodeBarcodeClip } from "../../helpers/barcode-clip.js";
import { mp4boxSamples } from "../../helpers/mp4box-samples.js";
import { tempDir } from "../../helpers/synthetic.js";

let dir: string;
let clip: string;
let chunked: string;
beforeAll(async () => {
  dir = tempDir("lerobot-mp4-rechunk-");
  clip = await encodeBarcodeClip(await findFfmpeg(), dir, "clip.mp4", 96, 64, 14, 2);
  // ffmpeg writes a lone video track as one chunk; this copy has chunks of 5, 5 and 4 samples.
  chunked = await rechunk(clip, "chunked.mp4", [5, 5, 4]);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * A copy of `file` (moov last, as ffmpeg writes it) whose samples, left where they are, form
 * chunks of `counts` samples: setChunks given the samples' own places, its moov written back.
 */
async function rechunk(file: string, name: string, counts: number[]): Promise<string> {
  const track = await trackOf(file);
  const { offsets } = sampleLayout(track);
  let first = 0;
  setChunks(track, counts.map((samples) => { const place = { offset: offsets[first]!, samples }; first += samples; return place; }), 1);
  const bytes = fs.readFileSync(file);
  const moovAt = bytes.lastIndexOf("moov", undefined, "latin1") - 4;
  expect(moovAt + bytes.readUInt32BE(moovAt)).toBe(bytes.length);
  const out = path.join(dir, name);
  fs.writeFileSync(out, Buffer.concat([bytes.subarray(0, moovAt), serialize(track.moov)]));
  return out;
}

async function trackOf(file: string): Promise<Track> {
  const handle = await fs.promises.open(file, "r");
  try {
    return describeTrack((await readMoov(handle, await topLevelBoxes(handle, (await handle.stat()).size), file)).moov);
  } finally {
    await handle.close();
  }
}

const u32 = (...values: number[]) => { const b = Buffer.alloc(4 * values.length); values.forEach((v, i) => b.writeUInt32BE(v, 4 * i)); return b; };
const stscRows = (track: Track) => tableRows(need(track.stbl, "stsc").raw!, 0, 12).map((r) => [r.readUInt32BE(0), r.readUInt32BE(4), r.readUInt32BE(8)]);

describe("sampleLayout", () => {
  it.each([["one chunk", () => clip], ["several chunks", () => chunked]])("places every sample where mp4box does (%s)", async (_, file) => {
    const track = await trackOf(file());
    const { offsets, sizes, descriptionIndex } = sampleLayout(track);
    const view = mp4boxSamples(file());
    expect(offsets).toEqual(view.samples.map((s) => s.offset));
    expect(sizes).toEqual(view.samples.map((s) => s.size));
    expect(descriptionIndex).toBe(1);
  });

  it("reads the chunks a file really has (mp4box agrees the copy has three)", () => {
    expect(new Set(mp4boxSamples(chunked).samples.map((s) => s.chunk_index)).size).toBe(3);
  });

  it("refuses chunks of several sample descriptions, and chunks that hold too few samples", async () => {
    const mixed = await trackOf(clip);
    need(mixed.stbl, "stsc").raw = buildTable(u32(0), Buffer.alloc(0), [u32(1, 7, 1), u32(2, 7, 2)]);
    expect(() => sampleLayout(mixed)).toThrow(/several sample descriptions/);
    const short = await trackOf(clip);
    need(short.stbl, "stsc").raw = buildTable(u32(0), Buffer.alloc(0), [u32(1, 5, 1)]);
    expect(() => sampleLayout(short)).toThrow(/chunks hold 5 of its 14 samples/);
  });
});

describe("setChunks", () => {
  it("writes tables that an independent reader follows to the same sample bytes", async () => {
    const before = mp4boxSamples(clip);
    const after = mp4boxSamples(await rechunk(clip, "rechunked.mp4", [1, 6, 6, 1]));
    expect(after.samples.map((s) => s.chunk_index)).toEqual([1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4]);
    for (let i = 0; i < 14; i++) expect(after.sampleBytes(i).equals(before.sampleBytes(i)), `sample ${i}`).toBe(true);
  });

  it("makes one chunk per place, with run-length sample-to-chunk rows, and sampleLayout follows them", async () => {
    const track = await trackOf(clip);
    const { sizes } = sampleLayout(track);
    const places = [{ offset: 1000, samples: 5 }, { offset: 50_000, samples: 5 }, { offset: 90_000, samples: 4 }];
    setChunks(track, places, 1);
    expect(track.chunks).toBe(3);
    expect(stscRows(track)).toEqual([[1, 5, 1], [3, 4, 1]]);
    expect(chunkOffsets(track.stbl)).toEqual([1000n, 50_000n, 90_000n]);
    // Samples lie back to back inside each chunk.
    const expected: number[] = [];
    let i = 0;
    for (const p of places) {
      let at = p.offset;
      for (let k = 0; k < p.samples; k++, i++) { expected.push(at); at += sizes[i]!; }
    }
    expect(sampleLayout(track).offsets).toEqual(expected);
  });

  it("writes a co64 once an offset needs 64 bits, and an stco otherwise", async () => {
    const track = await trackOf(clip);
    setChunks(track, [{ offset: 8, samples: 7 }, { offset: 2 ** 32 + 8, samples: 7 }], 1);
    expect(track.stbl.children!.map((b) => b.type)).toContain("co64");
    expect(track.stbl.children!.map((b) => b.type)).not.toContain("stco");
    expect(chunkOffsets(track.stbl)).toEqual([8n, 2n ** 32n + 8n]);
    setChunks(track, [{ offset: 16, samples: 14 }], 1);
    expect(track.stbl.children!.filter((b) => b.type === "stco" || b.type === "co64").map((b) => b.type)).toEqual(["stco"]);
    expect(chunkOffsets(track.stbl)).toEqual([16n]);
  });

  it("keeps the sample description index it is given", async () => {
    const track = await trackOf(clip);
    setChunks(track, [{ offset: 100, samples: 14 }], 3);
    expect(stscRows(track)).toEqual([[1, 14, 3]]);
  });
});
