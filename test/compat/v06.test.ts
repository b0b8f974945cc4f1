/**
 * A dataset written by lerobot-ts against one laid out as LeRobot v0.6.1 writes it
 * (fixtures/lerobot-v0.6/so101-record: same robot, features and encoder): the same info.json keys,
 * nested ones included and in the same order; stats.json of the same shapes and the same number
 * kinds (Python int vs float); the same parquet schemas for data and episodes.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeArrowSchema, readParquetMetadata } from "../../src/dataset/parquet.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { JOINTS, tempDir } from "../helpers/synthetic.js";

const V06 = path.join(import.meta.dirname, "..", "..", "fixtures", "lerobot-v0.6", "so101-record");
const W = 96;
const H = 64;

/** The JSON's structure with every value replaced by its kind: "int" / "float" (as Python reads it back), "string", ... */
function kinds(text: string): unknown {
  // Number tokens outside strings become markers: a fraction or exponent makes Python read a float.
  const marked = text.replace(/"(?:[^"\\]|\\.)*"|-?(?:Infinity|NaN)|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g, (token) => {
    if (token.startsWith('"')) return token;
    return /^-?\d+$/.test(token) ? '"<int>"' : '"<float>"';
  });
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    if (v === "<int>" || v === "<float>") return v;
    return v === null ? "null" : typeof v;
  };
  return walk(JSON.parse(marked));
}

/** Every key path of a JSON value, objects' keys in order (arrays by their first element). */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.length ? keyPaths(value[0], `${prefix}[]`) : [];
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...keyPaths(v, `${prefix}${k}.`)]);
}

async function fields(file: string): Promise<[string, string][]> {
  const schema = decodeArrowSchema((await readParquetMetadata(file)).keyValue)!;
  return schema.fields.map((f) => [f.name, String(f.type)]);
}

describe("our files against LeRobot v0.6's", () => {
  const dir = tempDir("lerobot-ts-compat-v06-");
  const ours = path.join(dir, "ds");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const camera = { dtype: "video", shape: [H, W, 3], names: ["height", "width", "channels"] };
    // LeRobot's default encoder (libsvtav1), as the fixture was made with.
    const writer = await DatasetWriter.create({
      root: ours, repoId: "t/v06", fps: 30, robotType: "so_follower", vcodec: "libsvtav1",
      features: {
        action: { dtype: "float32", shape: [6], names: JOINTS }, "observation.state": { dtype: "float32", shape: [6], names: JOINTS },
        "observation.images.front": camera, "observation.images.wrist": camera,
      },
    });
    for (const [e, length] of [20, 25].entries()) {
      for (let k = 0; k < length; k++) {
        await writer.addFrame({
          task: e === 0 ? "Pick the cube" : "Put it back", action: JOINTS.map((_, j) => Math.sin(k / 5 + j) * 40), "observation.state": JOINTS.map((_, j) => Math.cos(k / 5 + j) * 40),
          "observation.images.front": new Uint8Array(W * H * 3).fill(k * 9), "observation.images.wrist": new Uint8Array(W * H * 3).fill(255 - k * 9),
        } as never);
      }
      await writer.saveEpisode();
    }
    await writer.finalize();
  }, 120_000);

  it("info.json: every key, nested included, in the same order, with values of the same kinds", () => {
    const read = (root: string) => fs.readFileSync(path.join(root, "meta/info.json"), "utf8");
    const mine = JSON.parse(read(ours)) as unknown;
    const theirs = JSON.parse(read(V06)) as unknown;
    expect(keyPaths(mine)).toEqual(keyPaths(theirs));
    expect(kinds(read(ours))).toEqual(kinds(read(V06)));
  });

  it("stats.json: the same features, stats, shapes and number kinds (floats everywhere but count)", () => {
    const read = (root: string) => fs.readFileSync(path.join(root, "meta/stats.json"), "utf8");
    expect(kinds(read(ours))).toEqual(kinds(read(V06)));
    expect((kinds(read(ours)) as Record<string, Record<string, unknown>>).frame_index!.min).toEqual(["<float>"]);
  });

  it("data and episodes parquet: the same columns of the same Arrow types", async () => {
    const data = "data/chunk-000/file-000.parquet";
    expect(await fields(path.join(ours, data))).toEqual(await fields(path.join(V06, data)));
    const episodes = "meta/episodes/chunk-000/file-000.parquet";
    expect(await fields(path.join(ours, episodes))).toEqual(await fields(path.join(V06, episodes)));
  });
});
