/**
 * What our writer produces, field by field against the real dataset Python LeRobot wrote
 * (so101-record-test): parquet Arrow schemas, HF metadata, episodes/tasks columns, info.json and
 * stats.json layout. Values differ (synthetic data, small h264 frames); structure must not, except
 * where LeRobot v0.6 (our target) writes differently from the v0.4 that wrote this dataset: those
 * places are spelled out below, and test/compat-v06.test.ts holds our files against a v0.6 layout.
 */
import fs from "node:fs";
import path from "node:path";
import type * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeArrowSchema, readParquetMetadata } from "../../src/dataset/parquet.js";
import { REAL_FIXTURE } from "../helpers/real-fixture.js";
import { JOINTS, tempDir, writeSynthetic } from "../helpers/synthetic.js";

const W = 96;
const H = 64;
const LENGTHS = [6, 5];
const DATA = "data/chunk-000/file-000.parquet";
const EPISODES = "meta/episodes/chunk-000/file-000.parquet";
const TASKS = "meta/tasks.parquet";
const DEFAULT_KEYS = ["timestamp", "frame_index", "episode_index", "index", "task_index"];

interface FieldShape {
  name: string;
  type: string;
  nullable: boolean;
  children: FieldShape[];
}

/** A field as pyarrow would see it: name, full type text, nullability, and the same for its children. */
function shapeOf(field: arrow.Field): FieldShape {
  const children = (field.type.children ?? []) as arrow.Field[];
  return { name: field.name, type: String(field.type), nullable: field.nullable, children: children.map(shapeOf) };
}

async function arrowSchema(file: string): Promise<{ schema: arrow.Schema; keyValue: Map<string, string> }> {
  const meta = await readParquetMetadata(file);
  const schema = decodeArrowSchema(meta.keyValue);
  if (!schema) throw new Error(`${file} has no ARROW:schema`);
  return { schema, keyValue: meta.keyValue };
}

const readJson = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
type Json = Record<string, unknown>;

describe("our files have the layout of the real LeRobot dataset", () => {
  let dir: string;
  let ours: string;

  beforeAll(async () => {
    dir = tempDir("lerobot-ts-compat-");
    ours = path.join(dir, "ds");
    const writer = await writeSynthetic({
      root: ours, episodes: LENGTHS, cameras: ["front", "top"], width: W, height: H, vcodec: "h264",
      tasks: (e) => (e === 0 ? "Pick the orange cube and place it in the box" : "put it back"),
    });
    await writer.finalize();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("data parquet: same ARROW:schema fields, types, nullability and list children", async () => {
    const real = await arrowSchema(path.join(REAL_FIXTURE, DATA));
    const mine = await arrowSchema(path.join(ours, DATA));
    expect(mine.schema.fields.map(shapeOf)).toEqual(real.schema.fields.map(shapeOf));
    // Spelled out, so a change on both sides cannot pass unnoticed.
    const action = mine.schema.fields[0]!;
    expect(action.name).toBe("action");
    expect(String(action.type)).toBe("FixedSizeList[6]<Float32>");
    expect(action.type.children[0]!.name).toBe("item");
    expect(mine.schema.fields.map((f) => f.name)).toEqual(["action", "observation.state", ...DEFAULT_KEYS]);
    expect([...mine.keyValue.keys()].sort()).toEqual([...real.keyValue.keys()].sort());
  });

  it("data parquet: the huggingface metadata describes the same HF features", async () => {
    const real = JSON.parse((await readParquetMetadata(path.join(REAL_FIXTURE, DATA))).keyValue.get("huggingface")!) as Json;
    const mine = JSON.parse((await readParquetMetadata(path.join(ours, DATA))).keyValue.get("huggingface")!) as Json;
    delete real.fingerprint;
    expect(mine).toEqual(real);
    const features = (x: Json) => (x.info as Json).features as Json;
    expect(Object.keys(features(mine))).toEqual(Object.keys(features(real)));
    expect(features(mine).action).toEqual({ feature: { dtype: "float32", _type: "Value" }, length: 6, _type: "List" });
  });

  it("episodes parquet: the same columns, in the same order, of the same types", async () => {
    const real = await arrowSchema(path.join(REAL_FIXTURE, EPISODES));
    const mine = await arrowSchema(path.join(ours, EPISODES));
    const realFields = real.schema.fields.map(shapeOf);
    const myFields = mine.schema.fields.map(shapeOf);
    expect(myFields.map((f) => f.name)).toEqual(realFields.map((f) => f.name));
    // v0.6 stores an integer feature's min/max as floats (compute_stats.py promotes ints to float64).
    const intMinMax = (name: string) => /^stats\/(frame_index|episode_index|index|task_index)\/(min|max)$/.test(name);
    for (const [i, field] of myFields.entries()) {
      if (intMinMax(field.name)) expect(realFields[i]!.type, field.name).toBe("List<Int64>");
      else expect(field, field.name).toEqual(realFields[i]);
    }
    const typeOf = (name: string) => myFields.find((f) => f.name === name)?.type;
    expect(typeOf("tasks")).toBe("List<Utf8>");
    expect(typeOf("videos/observation.images.top/from_timestamp")).toBe("Float64");
    expect(typeOf("stats/observation.images.front/q50")).toBe("List<List<List<Float64>>>");
    expect(typeOf("stats/observation.images.front/count")).toBe("List<Int64>");
    expect(typeOf("stats/frame_index/min")).toBe("List<Float64>");
    expect(typeOf("stats/frame_index/mean")).toBe("List<Float64>");
    expect(typeOf("stats/timestamp/min")).toBe("List<Float64>");
    expect(myFields.at(-1)!.name).toBe("meta/episodes/file_index");
  });

  it("tasks.parquet: task_index Int64 and a Utf8 text column that the pandas metadata makes the index", async () => {
    for (const root of [REAL_FIXTURE, ours]) {
      const { schema, keyValue } = await arrowSchema(path.join(root, TASKS));
      expect(schema.fields.map((f) => [String(f.type), f.nullable]), root).toEqual([["Int64", true], ["Utf8", true]]);
      expect(schema.fields[0]!.name).toBe("task_index");
      const pandas = JSON.parse(keyValue.get("pandas")!) as { index_columns: string[]; columns: Json[]; column_indexes: unknown };
      expect(pandas.index_columns).toEqual([schema.fields[1]!.name]);
      expect(pandas.columns.map((c) => c.field_name)).toEqual(schema.fields.map((f) => f.name));
    }
    const real = JSON.parse((await readParquetMetadata(path.join(REAL_FIXTURE, TASKS))).keyValue.get("pandas")!) as Json;
    const mine = JSON.parse((await readParquetMetadata(path.join(ours, TASKS))).keyValue.get("pandas")!) as Json;
    expect(mine.index_columns).toEqual(["task"]);
    expect(mine.column_indexes).toEqual(real.column_indexes);
    expect(Object.keys(mine)).toEqual(Object.keys(real));
    // Same pandas types per column; only the index's name differs (pandas >= 2 writes "task").
    const types = (x: Json) => (x.columns as Json[]).map((c) => [c.pandas_type, c.numpy_type, c.metadata]);
    expect(types(mine)).toEqual(types(real));
  });

  it("info.json: the same top-level keys (in v0.6's order), default features and video info keys", () => {
    const real = readJson(path.join(REAL_FIXTURE, "meta/info.json"));
    const text = fs.readFileSync(path.join(ours, "meta/info.json"), "utf8");
    const mine = JSON.parse(text) as Json;
    expect(Object.keys(mine).sort()).toEqual(Object.keys(real).sort());
    // LeRobot v0.6 writes info.json from a dataclass (datasets/utils.py DatasetInfo.to_dict): field order.
    expect(Object.keys(mine)).toEqual(["codebase_version", "fps", "features", "total_episodes", "total_frames", "total_tasks", "chunks_size",
      "data_files_size_in_mb", "video_files_size_in_mb", "data_path", "video_path", "robot_type", "splits"]);
    for (const key of ["codebase_version", "robot_type", "chunks_size", "data_files_size_in_mb", "fps", "data_path", "video_path"]) {
      expect(mine[key], key).toEqual(real[key]);
    }
    expect(mine.total_episodes).toBe(LENGTHS.length);
    expect(mine.total_frames).toBe(LENGTHS[0]! + LENGTHS[1]!);
    expect(mine.total_tasks).toBe(2);
    expect(mine.splits).toEqual({ train: `0:${LENGTHS.length}` });
    expect(Object.keys(real.splits as Json)).toEqual(Object.keys(mine.splits as Json));

    const realFeatures = real.features as Record<string, Json>;
    const myFeatures = mine.features as Record<string, Json>;
    expect(Object.keys(myFeatures)).toEqual(Object.keys(realFeatures));
    for (const key of DEFAULT_KEYS) expect(myFeatures[key], key).toEqual(realFeatures[key]);
    for (const key of ["action", "observation.state"]) {
      expect(myFeatures[key]).toEqual(realFeatures[key]);
      expect(myFeatures[key]!.names).toEqual(JOINTS);
    }
    for (const key of ["observation.images.front", "observation.images.top"]) {
      const m = myFeatures[key]!;
      const r = realFeatures[key]!;
      expect(Object.keys(m).sort()).toEqual(Object.keys(r).sort());
      expect(m.dtype).toBe("video");
      expect(m.names).toEqual(r.names);
      expect(m.shape).toEqual([H, W, 3]);
      // v0.4's stream keys are all there; v0.6 moved `video.is_depth_map` to `is_depth_map` and added the encoder's settings.
      const { "video.is_depth_map": legacyDepth, ...streamKeys } = r.info as Json;
      expect(legacyDepth).toBe(false);
      expect(m.info).toMatchObject({ ...streamKeys, "video.height": H, "video.width": W, "video.codec": "h264", is_depth_map: false });
      expect(Object.keys(m.info as Json)).toEqual(["is_depth_map", ...Object.keys(streamKeys),
        "video.g", "video.crf", "video.preset", "video.fast_decode", "video.video_backend", "video.extra_options"]);
    }
    // Python's json.dump(indent=4) layout, which the fixture has too.
    expect(text.trimEnd()).toBe(JSON.stringify(mine, null, 4));
    expect(fs.readFileSync(path.join(REAL_FIXTURE, "meta/info.json"), "utf8").trimEnd()).toBe(JSON.stringify(real, null, 4));
  });

  it("stats.json: the same features and stat names; image stats of shape (3,1,1) within [0,1]", () => {
    const real = readJson(path.join(REAL_FIXTURE, "meta/stats.json")) as Record<string, Record<string, unknown>>;
    const mine = readJson(path.join(ours, "meta/stats.json")) as Record<string, Record<string, unknown>>;
    expect(Object.keys(mine).sort()).toEqual(Object.keys(real).sort());
    for (const feature of Object.keys(real)) {
      expect(Object.keys(mine[feature]!), feature).toEqual(Object.keys(real[feature]!));
      for (const [stat, value] of Object.entries(real[feature]!)) {
        const shape = (v: unknown): number[] => (Array.isArray(v) ? [v.length, ...shape(v[0])] : []);
        expect(shape(mine[feature]![stat]), `${feature}/${stat}`).toEqual(shape(value));
      }
    }
    for (const camera of ["observation.images.front", "observation.images.top"]) {
      const stats = mine[camera]!;
      for (const stat of ["min", "max", "mean", "std", "q01", "q10", "q50", "q90", "q99"]) {
        const value = stats[stat] as number[][][];
        expect(value.map((c) => [c.length, c[0]!.length])).toEqual([[1, 1], [1, 1], [1, 1]]);
        // LeRobot's histogram quantile is min - 1e-10 when the lowest bin already holds the
        // quantile (its bins span [min - 1e-10, max + 1e-10]); so quantiles get that much slack.
        const slack = stat.startsWith("q") ? 1e-9 : 0;
        for (const channel of value) {
          expect(channel[0]![0], `${camera}/${stat}`).toBeGreaterThanOrEqual(0 - slack);
          expect(channel[0]![0], `${camera}/${stat}`).toBeLessThanOrEqual(1 + slack);
        }
      }
      expect((stats.count as number[]).length).toBe(1);
      expect((stats.max as number[][][]).some((c) => c[0]![0]! > (stats.min as number[][][])[0]![0]![0]!)).toBe(true);
    }
    expect(mine.action!.count).toEqual([LENGTHS[0]! + LENGTHS[1]!]);
  });
});
