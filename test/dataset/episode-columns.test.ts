/** An episode's rows as the data parquet holds them: the writer's own columns, the episode's stats, the record batch. */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { EpisodeBuffer, validateFrame } from "../../src/dataset/episode-buffer.js";
import type { Frame } from "../../src/dataset/episode-buffer.js";
import { buildEpisodeBatch, computeEpisodeStats, defaultColumns, imageAccumulators } from "../../src/dataset/episode-columns.js";
import { checkFeatureSpecs } from "../../src/dataset/feature-specs.js";
import type { Feature } from "../../src/dataset/info.js";
import { DEFAULT_FEATURES } from "../../src/dataset/info.js";
import { encodeParquet } from "../../src/dataset/parquet.js";
import { encodePng } from "../../src/dataset/png.js";
import { ImageStatsAccumulator, computeNumericStats } from "../../src/dataset/stats.js";
import type { FeatureStats } from "../../src/dataset/stats.js";
import { openDuck, plain, sqlPath } from "../helpers/duckdb.js";
import { tempDir } from "../helpers/synthetic.js";

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const FEATURES = checkFeatureSpecs({
  "observation.state": { dtype: "float32", shape: [2] },
  "observation.count": { dtype: "int32", shape: [1] },
  note: { dtype: "string", shape: [1] },
  "observation.images.top": { dtype: "image", shape: [2, 3, 3] },
  "observation.images.front": { dtype: "video", shape: [4, 4, 3] },
}, true);
const USER = Object.fromEntries(Object.entries(FEATURES).filter(([k]) => !(k in DEFAULT_FEATURES)));

/** An episode of `n` frames with known values: state (k, -k/2), count 10k, note "n<k>", a grey image of level 40k. */
function episode(n: number): { buffer: EpisodeBuffer; images: Uint8Array[] } {
  const buffer = new EpisodeBuffer(USER);
  const images: Uint8Array[] = [];
  for (let k = 0; k < n; k++) {
    const image = new Uint8Array(18).fill(40 * k);
    images.push(image);
    const frame = { task: "t", "observation.state": [k, -k / 2], "observation.count": 10 * k, note: `n${k}`, "observation.images.top": image, "observation.images.front": new Uint8Array(48) } as Frame;
    buffer.append(validateFrame(frame, USER), new Map([["observation.images.top", encodePng(image, 3, 2)]]));
  }
  return { buffer, images };
}

describe("defaultColumns", () => {
  it("gives timestamp k / fps, frame_index k, the episode's index, the dataset-wide index and each frame's task", () => {
    const cols = defaultColumns(4, 30, 2, 100, [0, 1, 1, 0]);
    expect(Object.keys(cols)).toEqual(["timestamp", "frame_index", "episode_index", "index", "task_index"]);
    expect(cols.timestamp).toEqual(Float32Array.from([0, 1 / 30, 2 / 30, 3 / 30]));
    expect(Array.from(cols.frame_index as BigInt64Array)).toEqual([0n, 1n, 2n, 3n]);
    expect(Array.from(cols.episode_index as BigInt64Array)).toEqual([2n, 2n, 2n, 2n]);
    expect(Array.from(cols.index as BigInt64Array)).toEqual([100n, 101n, 102n, 103n]);
    expect(Array.from(cols.task_index as BigInt64Array)).toEqual([0n, 1n, 1n, 0n]);
    expect(cols.index).toBeInstanceOf(BigInt64Array);
  });
});

describe("imageAccumulators", () => {
  it("makes one accumulator per image feature (PNG in the parquet), sized width x height from [height, width, 3]", () => {
    const accumulators = imageAccumulators(FEATURES);
    expect([...accumulators.keys()]).toEqual(["observation.images.top"]);
    const top = accumulators.get("observation.images.top")!;
    expect([top.width, top.height]).toEqual([3, 2]);
  });
});

describe("computeEpisodeStats", () => {
  it("computes numbers from the rows, the writer's columns from theirs, cameras from the given stats, and skips strings", () => {
    const { buffer } = episode(5);
    const defaults = defaultColumns(5, 10, 0, 0, [0, 0, 0, 0, 0]);
    const asked: string[] = [];
    const cameraStats = (key: string): FeatureStats => {
      asked.push(key);
      const acc = new ImageStatsAccumulator(2, 2);
      acc.push(new Uint8Array(12).fill(key.length));
      return acc.result();
    };
    const stats = computeEpisodeStats(FEATURES, buffer, defaults, cameraStats);
    expect(Object.keys(stats).sort()).toEqual([...Object.keys(FEATURES)].filter((k) => k !== "note").sort());
    expect(asked.sort()).toEqual(["observation.images.front", "observation.images.top"]);
    expect(stats["observation.state"]).toEqual(computeNumericStats(Array.from({ length: 5 }, (_, k) => [k, -k / 2]).flat(), 2));
    expect(stats["observation.count"]!.max).toEqual([40]);
    expect(stats.frame_index).toEqual(computeNumericStats([0, 1, 2, 3, 4], 1));
    expect(stats.timestamp!.max).toEqual([Math.fround(0.4)]);
    expect(stats["observation.images.top"]!.mean).toEqual([[["observation.images.top".length / 255]], [["observation.images.top".length / 255]], [["observation.images.top".length / 255]]]);
  });
});

describe("buildEpisodeBatch", () => {
  it("holds every data column in features order (videos left out), and a parquet of it reads back the same in DuckDB", async () => {
    const n = 3;
    const { buffer, images } = episode(n);
    const defaults = defaultColumns(n, 30, 7, 40, [1, 0, 1]);
    const batch = buildEpisodeBatch(FEATURES, buffer, n, defaults);
    expect(batch.numRows).toBe(n);
    const expectedColumns = ["observation.state", "observation.count", "note", "observation.images.top", ...Object.keys(DEFAULT_FEATURES)];
    expect(batch.schema.fields.map((field) => field.name)).toEqual(expectedColumns);

    const file = path.join(dir, "episode.parquet");
    fs.writeFileSync(file, encodeParquet(new arrow.Table([batch])));
    const duck = await openDuck();
    try {
      expect(await duck.columns(`SELECT * FROM read_parquet(${sqlPath(file)})`)).toEqual(expectedColumns);
      const rows = plain(await duck.rows(`SELECT * EXCLUDE ("observation.images.top") FROM read_parquet(${sqlPath(file)})`)) as Record<string, unknown>[];
      expect(rows).toEqual([0, 1, 2].map((k) => ({
        "observation.state": [k, -k / 2], "observation.count": 10 * k, note: `n${k}`,
        timestamp: Math.fround(k / 30), frame_index: k, episode_index: 7, index: 40 + k, task_index: [1, 0, 1][k],
      })));
      // Each image is the PNG of its frame, as LeRobot stores images: {bytes, path}.
      const pngs = await duck.rows(`SELECT "observation.images.top".bytes AS bytes, "observation.images.top".path AS p FROM read_parquet(${sqlPath(file)})`);
      pngs.forEach((row, k) => {
        expect(Buffer.from(row.bytes as Uint8Array).equals(Buffer.from(encodePng(images[k]!, 3, 2)))).toBe(true);
        expect(row.p).toMatch(/\.png$/);
      });
    } finally {
      duck.close();
    }
  });

  it("takes the writer's columns from the defaults, not the buffer", () => {
    const features: Record<string, Feature> = checkFeatureSpecs({ x: { dtype: "float64", shape: [1] } }, true);
    const buffer = new EpisodeBuffer({ x: features.x! });
    buffer.append(validateFrame({ task: "t", x: 0.25 } as Frame, { x: features.x! }));
    const batch = buildEpisodeBatch(features, buffer, 1, defaultColumns(1, 30, 4, 9, [2]));
    expect(batch.getChild("x")!.get(0)).toBe(0.25);
    expect(batch.getChild("index")!.get(0)).toBe(9n);
    expect(batch.getChild("task_index")!.get(0)).toBe(2n);
  });
});
