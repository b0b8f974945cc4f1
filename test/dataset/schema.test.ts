/**
 * The Arrow types of LeRobot's data columns and the `huggingface` metadata HF `datasets` reads
 * back: compared with files Python LeRobot wrote, and read back with DuckDB.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/errors.js";
import type { DatasetInfo, Feature } from "../../src/dataset/info.js";
import { encodeParquet, readParquetMetadata } from "../../src/dataset/parquet.js";
import {
  arrowScalarType, arrowTypeForFeature, columnData, dataSchema, huggingfaceMetadata, imageColumnData, isMultiDimensional,
  isNumericDtype, languageColumnType, pythonJsonDumps, typedArrayFor,
} from "../../src/dataset/schema.js";
import { openDuck, plain, sqlPath } from "../helpers/duckdb.js";
import { REAL_FIXTURE } from "../helpers/real-fixture.js";
import { tempDir } from "../helpers/synthetic.js";

const V06_RECORD = path.join(import.meta.dirname, "../../fixtures/lerobot-v0.6/so101-record");
const DATA = "data/chunk-000/file-000.parquet";
const infoOf = (root: string) => JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8")) as DatasetInfo;

let dir: string;
beforeAll(() => { dir = tempDir(); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("isNumericDtype", () => {
  it("accepts numpy's numeric dtypes and bool, not the special kinds", () => {
    for (const dtype of ["float32", "float64", "int64", "uint8", "bool"]) expect(isNumericDtype(dtype)).toBe(true);
    for (const dtype of ["video", "image", "string", "language", "float128", ""]) expect(isNumericDtype(dtype)).toBe(false);
  });
});

describe("arrowScalarType", () => {
  it("maps numpy dtype names to Arrow types of the same width and kind", () => {
    expect(String(arrowScalarType("float32"))).toBe("Float32");
    expect(String(arrowScalarType("int64"))).toBe("Int64");
    expect(String(arrowScalarType("uint16"))).toBe("Uint16");
    expect(String(arrowScalarType("bool"))).toBe("Bool");
    expect(String(arrowScalarType("string"))).toBe("Utf8");
  });

  it("refuses a dtype with no column type as a DatasetError", () => {
    expect(() => arrowScalarType("video")).toThrow(DatasetError);
    expect(() => arrowScalarType("complex64")).toThrow(/dtype 'complex64' has no Arrow column type/);
  });
});

describe("typedArrayFor", () => {
  it("gives the typed array that holds the dtype's values (float16 as raw 16-bit, bool as bytes)", () => {
    expect(typedArrayFor("float32", 3)).toEqual(new Float32Array(3));
    expect(typedArrayFor("int64", 2)).toBeInstanceOf(BigInt64Array);
    expect(typedArrayFor("uint64", 2)).toBeInstanceOf(BigUint64Array);
    expect(typedArrayFor("float16", 2)).toBeInstanceOf(Uint16Array);
    expect(typedArrayFor("bool", 4)).toBeInstanceOf(Uint8Array);
    expect(typedArrayFor("int8", 5).length).toBe(5);
  });
});

describe("arrowTypeForFeature", () => {
  it("is a scalar for shape [1] and a FixedSizeList for shape [n], as LeRobot's data files hold them", () => {
    expect(String(arrowTypeForFeature("timestamp", { dtype: "float32", shape: [1] }))).toBe("Float32");
    const list = arrowTypeForFeature("action", { dtype: "float32", shape: [6] });
    expect(arrow.DataType.isFixedSizeList(list) && list.listSize).toBe(6);
    expect(String(list.children[0]!.type)).toBe("Float32");
  });

  it("nests one variable list per dimension for 2 to 5 dimensions (HF Array2D..Array5D storage)", () => {
    expect(String(arrowTypeForFeature("grid", { dtype: "float32", shape: [2, 3] }))).toBe("List<List<Float32>>");
    expect(String(arrowTypeForFeature("cube", { dtype: "int16", shape: [2, 2, 2, 2, 2] }))).toBe("List<List<List<List<List<Int16>>>>>");
    expect(() => arrowTypeForFeature("six", { dtype: "float32", shape: [1, 1, 1, 1, 1, 1] })).toThrow(/feature 'six': shape \[1, 1, 1, 1, 1, 1\] has 6 dimensions/);
  });

  it("is the bytes/path struct for an image and the language list for language columns", () => {
    expect(String(arrowTypeForFeature("observation.images.top", { dtype: "image", shape: [96, 96, 3] }))).toBe("Struct<{bytes:Binary, path:Utf8}>");
    expect(String(arrowTypeForFeature("language_events", { dtype: "language", shape: [1] }))).toBe(String(languageColumnType("language_events")));
  });
});

describe("languageColumnType", () => {
  const fieldsOf = (key: string) => (languageColumnType(key).children[0]!.type as arrow.Struct).children.map((f) => f.name);

  it("gives language_persistent rows a timestamp and language_events rows none", () => {
    expect(fieldsOf("language_persistent")).toEqual(["role", "content", "style", "timestamp", "camera", "tool_calls"]);
    expect(fieldsOf("language_events")).toEqual(["role", "content", "style", "camera", "tool_calls"]);
  });
});

describe("isMultiDimensional", () => {
  it("is true for numeric features of 2 or more dimensions only", () => {
    expect(isMultiDimensional({ dtype: "float32", shape: [2, 3] })).toBe(true);
    expect(isMultiDimensional({ dtype: "float32", shape: [6] })).toBe(false);
    expect(isMultiDimensional({ dtype: "video", shape: [480, 640, 3] })).toBe(false);
    expect(isMultiDimensional({ dtype: "image", shape: [96, 96, 3] })).toBe(false);
  });
});

describe("huggingfaceMetadata", () => {
  it("describes the features as Python LeRobot's data files do (v0.4 and v0.6)", async () => {
    for (const root of [REAL_FIXTURE, V06_RECORD]) {
      const theirs = JSON.parse((await readParquetMetadata(path.join(root, DATA))).keyValue.get("huggingface")!) as { info: unknown };
      // `fingerprint` is the HF dataset's cache key, which LeRobot never reads.
      expect(JSON.parse(huggingfaceMetadata(infoOf(root).features))).toEqual({ info: theirs.info });
    }
  });

  it("leaves video features out (they are mp4 files, not columns) and gives an image HF's Image", () => {
    const hf = JSON.parse(huggingfaceMetadata({
      "observation.images.front": { dtype: "video", shape: [4, 4, 3] },
      "observation.images.top": { dtype: "image", shape: [4, 4, 3] },
    })) as { info: { features: Record<string, unknown> } };
    expect(hf.info.features).toEqual({ "observation.images.top": { _type: "Image" } });
  });
});

describe("dataSchema", () => {
  it("has one field per non-video feature, in declaration order, with the huggingface metadata", () => {
    const features: Record<string, Feature> = {
      action: { dtype: "float32", shape: [6] },
      "observation.images.front": { dtype: "video", shape: [4, 4, 3] },
      index: { dtype: "int64", shape: [1] },
    };
    const schema = dataSchema(features);
    expect(schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(["action:FixedSizeList[6]<Float32>", "index:Int64"]);
    expect(schema.metadata.get("huggingface")).toBe(huggingfaceMetadata(features));
  });
});

describe("columnData and imageColumnData", () => {
  it("build columns from flat row-major arrays that DuckDB reads back row by row", async () => {
    const features: Record<string, Feature> = {
      action: { dtype: "float32", shape: [3] },
      index: { dtype: "int64", shape: [1] },
      done: { dtype: "bool", shape: [1] },
      note: { dtype: "string", shape: [1] },
    };
    const schema = dataSchema(features);
    const type = (key: string) => schema.fields.find((f) => f.name === key)!.type as arrow.DataType;
    const image = imageColumnData([new Uint8Array([1, 2]), new Uint8Array([3])], "png");
    const table = new arrow.Table({
      action: arrow.makeVector(columnData(type("action"), Float32Array.from([0.5, 1, 1.5, 2, 2.5, 3]), 2)),
      index: arrow.makeVector(columnData(type("index"), BigInt64Array.from([7n, 8n]), 2)),
      done: arrow.makeVector(columnData(type("done"), Uint8Array.from([0, 1]), 2)),
      note: arrow.makeVector(columnData(type("note"), ["a", "b"], 2)),
      image: arrow.makeVector(image),
    });
    const file = path.join(dir, "columns.parquet");
    fs.writeFileSync(file, encodeParquet(table));
    const duck = await openDuck();
    try {
      const rows = await duck.rows(`SELECT action, "index", done, note, image.path AS path, image.bytes::BLOB AS bytes FROM read_parquet(${sqlPath(file)})`);
      expect(plain(rows.map(({ bytes, ...rest }) => ({ ...rest, bytes: Array.from(bytes as Uint8Array) })))).toEqual([
        { action: [0.5, 1, 1.5], index: 7, done: false, note: "a", path: "frame-000000.png", bytes: [1, 2] },
        { action: [2, 2.5, 3], index: 8, done: true, note: "b", path: "frame-000001.png", bytes: [3] },
      ]);
    } finally {
      duck.close();
    }
  });
});

describe("pythonJsonDumps", () => {
  it("spaces like Python's json.dumps: ', ' between items and ': ' after keys, on one line", () => {
    expect(pythonJsonDumps({ a: [1, "x", null], b: { c: true }, "d\"e": [] })).toBe('{"a": [1, "x", null], "b": {"c": true}, "d\\"e": []}');
  });
});
