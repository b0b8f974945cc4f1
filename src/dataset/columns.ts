/**
 * Arrow columns to flat typed arrays (row-major, `dim` values per row), handling chunked
 * vectors and sliced data so callers never see Arrow's internals.
 */
import * as arrow from "apache-arrow";
import type { TypedArray } from "./schema.js";

/** A numeric column as one flat typed array (LeRobotDataset.readColumn). */
export interface ColumnValues {
  /** numRows x dim values, row-major. */
  values: TypedArray;
  /** Values per row (a feature's shape, multiplied out; 1 for a scalar). */
  dim: number;
  numRows: number;
}

type TypedArrayCtor = { new (length: number): TypedArray };

/**
 * Flatten a numeric column: a scalar, a FixedSizeList vector, or the nested lists of a
 * multi-dimensional feature (HF Array2D..Array5D), row-major. Throws for other column kinds.
 */
export function columnValues(vector: arrow.Vector, name: string): ColumnValues {
  const type = vector.type as arrow.DataType;
  let leafType: arrow.DataType = type;
  while (arrow.DataType.isFixedSizeList(leafType) || arrow.DataType.isList(leafType)) leafType = leafType.children[0]!.type;
  if (!(arrow.DataType.isFloat(leafType) || arrow.DataType.isInt(leafType))) {
    throw new Error(`column '${name}' of type ${String(type)} is not a numeric column`);
  }
  const parts = vector.data.map((data) => leafValues(data, 0, data.length));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const dim = vector.length > 0 ? total / vector.length : arrow.DataType.isFixedSizeList(type) ? type.listSize : 1;
  if (!Number.isInteger(dim)) throw new Error(`column '${name}' holds rows of different sizes (${total} values in ${vector.length} rows)`);
  const out = new ((parts[0] ?? new Float64Array(0)).constructor as TypedArrayCtor)(total);
  let written = 0;
  for (const part of parts) {
    (out as unknown as { set(a: ArrayLike<unknown>, o: number): void }).set(part, written);
    written += part.length;
  }
  return { values: out, dim, numRows: vector.length };
}

/** The leaf values of rows [start, end) of a column chunk, through any list nesting. */
function leafValues(data: arrow.Data, start: number, end: number): TypedArray {
  const type = data.type as arrow.DataType;
  if (arrow.DataType.isFixedSizeList(type)) return leafValues(data.children[0]!, start * type.listSize, end * type.listSize);
  if (arrow.DataType.isList(type)) {
    const offsets = data.valueOffsets as Int32Array;
    return leafValues(data.children[0]!, offsets[start]!, offsets[end]!);
  }
  // Arrow JS slices value buffers (and list children) eagerly: values start at 0.
  return (data.values as TypedArray).subarray(start, end);
}
