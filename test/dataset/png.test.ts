/**
 * Cameras without videos (useVideos: false): PNG images inside the data parquet, as LeRobot
 * writes `image` features. PNG bytes are checked against ffmpeg, an independent codec.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePng, encodePng } from "../../src/dataset/png.js";
import { openDataset } from "../../src/dataset/reader.js";
import { decodeArrowSchema, readParquetMetadata } from "../../src/dataset/parquet.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { barcodeFrame } from "../helpers/barcode.js";
import { openDuck, sqlPath } from "../helpers/duckdb.js";
import { features, makeFrame, tempDir } from "../helpers/synthetic.js";

const W = 96;
const H = 64;
let dir: string;
beforeAll(() => { dir = tempDir(); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** ffmpeg's decoding of an image file to RGB bytes (the independent reference). */
function ffmpegRgb(file: string): Buffer {
  const r = spawnSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], { maxBuffer: 1 << 26 });
  expect(r.status, r.stderr?.toString()).toBe(0);
  return r.stdout;
}

describe("PNG codec", () => {
  it("writes PNGs ffmpeg decodes to exactly the pixels given", () => {
    const rgb = barcodeFrame(W, H, [12, 345, 6]);
    const file = path.join(dir, "ours.png");
    fs.writeFileSync(file, encodePng(rgb, W, H));
    expect(ffmpegRgb(file).equals(Buffer.from(rgb))).toBe(true);
  });

  it.each(["none", "sub", "up", "avg", "paeth", "mixed"])("reads ffmpeg's PNGs with prediction %s, and gray and RGBA ones", (pred) => {
    const source = path.join(dir, `src-${pred}.png`);
    fs.writeFileSync(source, encodePng(barcodeFrame(W, H, [7, 8, 9]), W, H));
    for (const pixFmt of ["rgb24", "rgba", "gray"]) {
      const file = path.join(dir, `ff-${pred}-${pixFmt}.png`);
      const r = spawnSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", source, "-pred", pred, "-pix_fmt", pixFmt, file]);
      expect(r.status).toBe(0);
      const ours = decodePng(fs.readFileSync(file));
      expect([ours.width, ours.height]).toEqual([W, H]);
      expect(Buffer.from(ours.data).equals(ffmpegRgb(file)), `${pred} ${pixFmt}`).toBe(true);
    }
  });

  it("refuses bytes that are not a PNG", () => {
    expect(() => decodePng(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow(/not a PNG/);
  });
});

describe("DatasetWriter with useVideos: false", () => {
  it("stores cameras as LeRobot image features and reads back every pixel", async () => {
    const root = path.join(dir, "images");
    const writer = await DatasetWriter.create({
      root, repoId: "t/images", fps: 30, robotType: "so101_follower", useVideos: false, features: features(["front"], W, H),
    });
    const lengths = [4, 6];
    for (const [e, n] of lengths.entries()) {
      for (let k = 0; k < n; k++) await writer.addFrame(makeFrame(e, k, ["front"], W, H, "t"));
      await writer.saveEpisode();
    }
    await writer.finalize();

    const info = JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8"));
    // LeRobot v0.6 gives image features the camera info block too (utils/feature_utils.py hw_to_dataset_features).
    expect(info.features["observation.images.front"]).toEqual({ dtype: "image", shape: [H, W, 3], names: ["height", "width", "channels"], info: { is_depth_map: false } });
    expect(info.video_path).toBeNull();
    expect(fs.existsSync(path.join(root, "videos"))).toBe(false);

    const meta = await readParquetMetadata(path.join(root, "data/chunk-000/file-000.parquet"));
    const field = decodeArrowSchema(meta.keyValue)!.fields.find((f) => f.name === "observation.images.front")!;
    expect(String(field.type)).toBe("Struct<{bytes:Binary, path:Utf8}>");
    expect(JSON.parse(meta.keyValue.get("huggingface")!).info.features["observation.images.front"]).toEqual({ _type: "Image" });

    // DuckDB reads the PNG bytes; ffmpeg decodes them to exactly the frame written.
    const duck = await openDuck();
    const rows = await duck.rows(`SELECT episode_index, frame_index, "observation.images.front".bytes AS png, "observation.images.front".path AS path FROM read_parquet(${sqlPath(path.join(root, "data/*/*.parquet"))}) ORDER BY "index"`);
    duck.close();
    expect(rows.length).toBe(10);
    const sample = rows[7]! as { episode_index: unknown; frame_index: unknown; png: Uint8Array; path: string };
    // The file name LeRobot's rows carry: frame i of the episode as images/<key>/episode-*/frame-%06d.png.
    expect(rows.map((r) => (r as { path: string }).path)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 4, 5].map((i) => `frame-00000${i}.png`));
    const file = path.join(dir, "from-duckdb.png");
    fs.writeFileSync(file, Buffer.from(sample.png));
    expect(ffmpegRgb(file).equals(Buffer.from(barcodeFrame(W, H, [Number(sample.episode_index), Number(sample.frame_index), 0])))).toBe(true);

    const ds = await openDataset(root);
    expect(ds.imageKeys).toEqual(["observation.images.front"]);
    expect(ds.cameraKeys).toEqual([]);
    const frame = await ds.decodeFrame("observation.images.front", 1, 5);
    expect(Buffer.from(frame.data).equals(Buffer.from(barcodeFrame(W, H, [1, 5, 0])))).toBe(true);
    const stats = ds.episodes[1]!.stats["observation.images.front"]!;
    expect(stats.count).toEqual([6]);
    expect((stats.mean as number[][][]).map((c) => c.length)).toEqual([1, 1, 1]);
  });
});
