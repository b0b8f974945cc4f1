/** A data file's Arrow schema against the features info.json declares. */
import * as arrow from "apache-arrow";
import type { DatasetInfo, Feature } from "../../dataset/index.js";
import { isNumericDtype, arrowTypeForFeature, isMultiDimensional } from "../../dataset/index.js";
import type { VerifyContext } from "../context.js";

/**
 * Report schema problems of one data file; return the numeric feature columns whose values can
 * be checked (present, and of the declared dtype and width).
 */
export function checkDataSchema(ctx: VerifyContext, file: string, schema: arrow.Schema, info: DatasetInfo): Set<string> {
  const readable = new Set<string>();
  const present = new Map(schema.fields.map((f) => [f.name, f.type as arrow.DataType]));
  for (const [key, feature] of Object.entries(info.features)) {
    const actual = present.get(key);
    if (feature.dtype === "video") {
      if (actual) ctx.add("data.video_column", `column '${key}' is a video feature; its frames belong in the mp4 files`, { file, column: key });
      continue;
    }
    if (!actual) {
      ctx.add("data.schema", `column '${key}' (${describeFeature(feature)}) is missing`, { file, column: key });
      continue;
    }
    const problem = typeProblem(key, feature, actual);
    if (problem) {
      ctx.add("data.schema", `column '${key}' is ${String(actual)}, info.json declares ${describeFeature(feature)}${problem === true ? "" : ` (${problem})`}`, { file, column: key });
      continue;
    }
    if (isNumericDtype(feature.dtype) && feature.dtype !== "float16" && feature.dtype !== "bool") readable.add(key);
  }
  for (const name of present.keys()) {
    if (!(name in info.features)) ctx.add("data.extra_column", `column '${name}' is not a feature in info.json`, { file, column: name });
  }
  return readable;
}

function describeFeature(feature: Feature): string {
  return `${feature.dtype} [${feature.shape.join(", ")}]`;
}

/** Why a column's type does not hold a feature (true: plainly another type), or undefined when it does. */
function typeProblem(key: string, feature: Feature, actual: arrow.DataType): string | true | undefined {
  if (feature.dtype === "image") {
    const bytes = arrow.DataType.isStruct(actual) ? actual.children.find((c) => c.name === "bytes") : undefined;
    return bytes && arrow.DataType.isBinary(bytes.type) ? undefined : true;
  }
  if (feature.dtype === "string") return arrow.DataType.isUtf8(actual) || arrow.DataType.isLargeUtf8(actual) ? undefined : true;
  if (feature.dtype === "language") return languageProblem(actual);
  let expected: arrow.DataType;
  try {
    expected = arrowTypeForFeature(key, feature);
  } catch (error) {
    return (error as Error).message;
  }
  if (String(actual) === String(expected)) return undefined;
  if (isMultiDimensional(feature)) return sameNesting(actual, feature.shape, expected) ? undefined : `expected ${feature.shape.length} levels of lists of ${leafOf(expected)}`;
  // A width-1 vector holds a shape-[1] feature as well as a scalar does.
  if (feature.shape.length === 1 && feature.shape[0] === 1 && arrow.DataType.isFixedSizeList(actual) && actual.listSize === 1 &&
      String(actual.children[0]!.type) === String(expected)) return undefined;
  if (arrow.DataType.isList(actual) && arrow.DataType.isFixedSizeList(expected)) return "variable-length lists instead of fixed-size vectors";
  return true;
}

/** A list at every level of the shape (HF Array2D..5D store variable lists; fixed-size lists of the right sizes hold it too). */
function sameNesting(actual: arrow.DataType, shape: number[], expected: arrow.DataType): boolean {
  let type = actual;
  for (const size of shape) {
    if (arrow.DataType.isFixedSizeList(type) && type.listSize !== size) return false;
    if (!arrow.DataType.isList(type) && !arrow.DataType.isFixedSizeList(type)) return false;
    type = type.children[0]!.type;
  }
  return String(type) === leafOf(expected);
}

function leafOf(type: arrow.DataType): string {
  while (arrow.DataType.isList(type) || arrow.DataType.isFixedSizeList(type)) type = type.children[0]!.type;
  return String(type);
}

/** LeRobot v0.6's language columns: a list of structs with at least `role` and `content` text (datasets/language.py). */
function languageProblem(actual: arrow.DataType): string | undefined {
  const item = arrow.DataType.isList(actual) ? actual.children[0]!.type : undefined;
  if (!item || !arrow.DataType.isStruct(item)) return "expected a list of structs";
  const missing = ["role", "content"].filter((name) => !item.children.some((f) => f.name === name));
  return missing.length ? `its rows lack ${missing.join(" and ")}` : undefined;
}
