/** checkDataSchema: a data file's Arrow schema against info.json's features. */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readParquet } from "../../../src/dataset/parquet.js";
import { checkDataSchema } from "../../../src/verify/checks/data-schema.js";
import type { VerifyContext } from "../../../src/verify/context.js";
import { DATA_FILE } from "../../helpers/corrupt.js";
import { tempDir } from "../../helpers/synthetic.js";
import { contextBefore, findingsOf, writeVerifyBase } from "../../helpers/verify-context.js";

const vector = (type: arrow.DataType, size: number) => new arrow.FixedSizeList(size, new arrow.Field("item", type, true));

describe("checkDataSchema", () => {
  const dir = tempDir("lerobot-ts-data-schema-");
  const base = path.join(dir, "base");
  let ctx: VerifyContext;
  let schema: arrow.Schema;
  let file: string;
  beforeAll(async () => {
    await writeVerifyBase(base, ["front"]);
    ctx = (await contextBefore(base, "data")).ctx;
    file = path.join(base, DATA_FILE);
    schema = (await readParquet(file, { limit: 0 })).schema;
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The written schema with some fields replaced (undefined drops one) or added. */
  const edited = (changes: Record<string, arrow.DataType | undefined>) => {
    const fields = schema.fields.filter((f) => !(f.name in changes) || changes[f.name] !== undefined)
      .map((f) => (changes[f.name] ? new arrow.Field(f.name, changes[f.name]!, true) : f));
    for (const [name, type] of Object.entries(changes)) if (type && !schema.fields.some((f) => f.name === name)) fields.push(new arrow.Field(name, type, true));
    return new arrow.Schema(fields);
  };

  it("accepts the schema DatasetWriter wrote and returns the numeric feature columns", async () => {
    let readable = new Set<string>();
    expect(await findingsOf(ctx, () => { readable = checkDataSchema(ctx, file, schema, ctx.info!); })).toEqual([]);
    expect([...readable].sort()).toEqual(["action", "episode_index", "frame_index", "index", "observation.state", "task_index", "timestamp"]);
  });

  it("reports a column of another dtype and leaves it out of the readable ones", async () => {
    let readable = new Set<string>();
    const found = await findingsOf(ctx, () => { readable = checkDataSchema(ctx, file, edited({ action: vector(new arrow.Float64(), 6) }), ctx.info!); });
    expect(found.map((f) => [f.check, f.column, f.file])).toEqual([["data.schema", "action", DATA_FILE]]);
    expect(found[0]!.message).toContain("info.json declares float32 [6]");
    expect(readable.has("action")).toBe(false);
  });

  it("reports a vector of the wrong width and variable-length lists", async () => {
    const found = await findingsOf(ctx, () => checkDataSchema(ctx, file, edited({
      action: vector(new arrow.Float32(), 5),
      "observation.state": new arrow.List(new arrow.Field("item", new arrow.Float32(), true)),
    }), ctx.info!));
    expect(found.map((f) => [f.check, f.column])).toEqual([["data.schema", "action"], ["data.schema", "observation.state"]]);
    expect(found[1]!.message).toContain("variable-length lists instead of fixed-size vectors");
  });

  it("reports a missing feature column", async () => {
    const found = await findingsOf(ctx, () => checkDataSchema(ctx, file, edited({ "observation.state": undefined }), ctx.info!));
    expect(found.map((f) => [f.check, f.column])).toEqual([["data.schema", "observation.state"]]);
    expect(found[0]!.message).toBe("column 'observation.state' (float32 [6]) is missing");
  });

  it("reports a video feature stored as a column, and warns of an undeclared column", async () => {
    const found = await findingsOf(ctx, () => checkDataSchema(ctx, file, edited({ "observation.images.front": new arrow.Int64(), "debug.latency": new arrow.Float32() }), ctx.info!));
    expect(found.map((f) => [f.check, f.severity, f.column])).toEqual([
      ["data.video_column", "error", "observation.images.front"],
      ["data.extra_column", "warning", "debug.latency"],
    ]);
  });

  it("accepts a width-1 vector for a shape-[1] feature", async () => {
    const info = { ...ctx.info!, features: { ...ctx.info!.features, reward: { dtype: "float32", shape: [1], names: null } } };
    const found = await findingsOf(ctx, () => checkDataSchema(ctx, file, edited({ reward: vector(new arrow.Float32(), 1) }), info));
    expect(found).toEqual([]);
  });
});
