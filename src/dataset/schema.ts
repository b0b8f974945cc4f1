/**
 * The Arrow types LeRobot's files use, derived from info.json features: data parquet columns,
 * the `huggingface` metadata HF `datasets` reads back, and typed-array helpers.
 */
import * as arrow from "apache-arrow";
import { DatasetError } from "../errors.js";
import type { Feature, NumericDtype } from "./info.js";
import { dataColumnKeys, NUMERIC_DTYPES } from "./info.js";

/** The typed arrays numeric columns come as (by dtype: float32 -> Float32Array, int64 -> BigInt64Array, ...). */
export type TypedArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

export function isNumericDtype(dtype: string): dtype is NumericDtype {
  return (NUMERIC_DTYPES as readonly string[]).includes(dtype);
}

/** Arrow scalar type for a numpy dtype name. */
export function arrowScalarType(dtype: string): arrow.DataType {
  switch (dtype) {
    case "float32": return new arrow.Float32();
    case "float64": return new arrow.Float64();
    case "float16": return new arrow.Float16();
    case "int64": return new arrow.Int64();
    case "int32": return new arrow.Int32();
    case "int16": return new arrow.Int16();
    case "int8": return new arrow.Int8();
    case "uint64": return new arrow.Uint64();
    case "uint32": return new arrow.Uint32();
    case "uint16": return new arrow.Uint16();
    case "uint8": return new arrow.Uint8();
    case "bool": return new arrow.Bool();
    case "string": return new arrow.Utf8();
    default: throw new DatasetError(`dtype '${dtype}' has no Arrow column type`);
  }
}

/** Typed array constructor that holds one value of a numeric dtype (bool is stored as 0/1 bytes). */
export function typedArrayFor(dtype: NumericDtype, length: number): TypedArray {
  switch (dtype) {
    case "float32": return new Float32Array(length);
    case "float64": return new Float64Array(length);
    case "float16": return new Uint16Array(length);
    case "int64": return new BigInt64Array(length);
    case "int32": return new Int32Array(length);
    case "int16": return new Int16Array(length);
    case "int8": return new Int8Array(length);
    case "uint64": return new BigUint64Array(length);
    case "uint32": return new Uint32Array(length);
    case "uint16": return new Uint16Array(length);
    case "uint8": return new Uint8Array(length);
    case "bool": return new Uint8Array(length);
  }
}

/**
 * The column type of a feature, as LeRobot's files hold it (datasets/feature_utils.py
 * get_hf_features_from_features): a scalar for shape [1], FixedSizeList[n] for shape [n] (HF
 * `List` with a length), nested variable lists for 2 to 5 dimensions (the storage of HF's
 * Array2D..Array5D extension types), and lists of structs for the language columns.
 */
export function arrowTypeForFeature(key: string, feature: Feature): arrow.DataType {
  if (feature.dtype === "image") return imageStructType();
  if (feature.dtype === "language") return languageColumnType(key);
  const scalar = arrowScalarType(feature.dtype);
  if (feature.shape.length === 1 && feature.shape[0] === 1) return scalar;
  if (feature.shape.length === 1) {
    return new arrow.FixedSizeList(feature.shape[0]!, new arrow.Field("item", scalar, true));
  }
  if (feature.shape.length >= 2 && feature.shape.length <= 5) {
    return feature.shape.reduce<arrow.DataType>((inner) => new arrow.List(new arrow.Field("item", inner, true)), scalar);
  }
  throw new DatasetError(`feature '${key}': shape [${feature.shape.join(", ")}] has ${feature.shape.length} dimensions; LeRobot columns have 1 to 5`);
}

/** Whether a feature is stored as nested lists of 2 to 5 dimensions (HF Array2D..Array5D). */
export function isMultiDimensional(feature: Feature): boolean {
  return feature.dtype !== "image" && feature.dtype !== "video" && feature.shape.length >= 2;
}

/**
 * LeRobot v0.6's language columns (datasets/language.py): `language_persistent` rows carry their
 * own timestamp, `language_events` rows do not; `tool_calls` items are JSON text.
 */
export function languageColumnType(key: string): arrow.DataType {
  const text = (name: string, nullable = true) => new arrow.Field(name, new arrow.Utf8(), nullable);
  const fields = [
    text("role", false), text("content"), text("style"),
    ...(key === "language_persistent" ? [new arrow.Field("timestamp", new arrow.Float32(), false)] : []),
    text("camera"),
    new arrow.Field("tool_calls", new arrow.List(new arrow.Field("item", new arrow.Utf8(), true)), true),
  ];
  return new arrow.List(new arrow.Field("item", new arrow.Struct(fields), true));
}

/** HF `datasets` feature description for one column, as LeRobot's files carry it. */
/** HF `datasets` Image: a struct of the encoded file bytes and an optional path. */
export function imageStructType(): arrow.Struct {
  return new arrow.Struct([new arrow.Field("bytes", new arrow.Binary(), true), new arrow.Field("path", new arrow.Utf8(), true)]);
}

/**
 * An episode's image column: row i is {bytes: the encoded image, path: "frame-00000i.<ext>"}. That
 * path is what LeRobot's rows carry: it saves frame i as images/<key>/episode-NNNNNN/frame-%06d.png
 * (datasets/utils.py DEFAULT_IMAGE_PATH) and `datasets` keeps the file's base name when it
 * embeds the bytes (io_utils.py embed_images).
 */
export function imageColumnData(images: Uint8Array[], extension: string): arrow.Data {
  const bytes = arrow.vectorFromArray(images, new arrow.Binary()).data[0]!;
  const paths = arrow.vectorFromArray(images.map((_, i) => `frame-${String(i).padStart(6, "0")}.${extension}`), new arrow.Utf8()).data[0]!;
  return arrow.makeData({ type: imageStructType(), length: images.length, children: [bytes, paths] });
}

function hfFeature(feature: Feature): Record<string, unknown> {
  if (feature.dtype === "image") return { _type: "Image" };
  const value = { dtype: feature.dtype, _type: "Value" };
  if (feature.shape.length === 1 && feature.shape[0] === 1) return value;
  return { feature: value, length: feature.shape[0], _type: "List" };
}

/** The `huggingface` key-value metadata of a data parquet file, formatted as Python's json.dumps. */
export function huggingfaceMetadata(features: Record<string, Feature>): string {
  const hf: Record<string, unknown> = {};
  for (const key of dataColumnKeys(features)) hf[key] = hfFeature(features[key]!);
  return pythonJsonDumps({ info: { features: hf } });
}

/** Arrow schema of the data parquet for these features (video features are not columns). */
export function dataSchema(features: Record<string, Feature>): arrow.Schema {
  const fields = dataColumnKeys(features).map(
    (key) => new arrow.Field(key, arrowTypeForFeature(key, features[key]!), true),
  );
  return new arrow.Schema(fields, new Map([["huggingface", huggingfaceMetadata(features)]]));
}

/** Arrow Data for a column of `numRows` values of a feature, from a flat row-major typed array. */
export function columnData(type: arrow.DataType, values: TypedArray | string[], numRows: number): arrow.Data {
  if (Array.isArray(values)) return arrow.vectorFromArray(values, new arrow.Utf8()).data[0]!;
  if (arrow.DataType.isFixedSizeList(type)) {
    const childType = type.children[0]!.type;
    const child = arrow.makeData({ type: childType, length: values.length, data: values as never });
    return arrow.makeData({ type, length: numRows, child });
  }
  if (arrow.DataType.isBool(type)) {
    return arrow.vectorFromArray(Array.from(values as Uint8Array, (v) => v !== 0), type).data[0]!;
  }
  return arrow.makeData({ type: type as arrow.Int, length: numRows, data: values as never });
}

/** `json.dumps` spacing (", " and ": "), which LeRobot's metadata strings use. */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${JSON.stringify(k)}: ${pythonJsonDumps(v)}`,
  );
  return `{${entries.join(", ")}}`;
}
