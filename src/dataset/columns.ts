/**
 * Arrow columns to flat typed arrays (row-major, `dim` values per row), handling chunked
 * vectors and sliced data so callers never see Arrow's internals.
 */
import * as arrow from "apache-arrow";
import type { TypedArray } from "./schema.js";

export interface ColumnValues {
  /** numRows x dim values, row-major. */
  values: TypedArray;
  dim: number;
  numRows: number;
}

type TypedArrayCtor = { new (length: number): TypedArray };

/** Flatten a numeric scalar or FixedSizeList column. Throws for other column kinds. */
export function columnValues(vector: arrow.Vector, name: string): ColumnValues {
  const type = vector.type as arrow.DataType;
  const fixed = arrow.DataType.isFixedSizeList(type);
  const dim = fixed ? (type as arrow.FixedSizeList).listSize : 1;
  const leafType = fixed ? (type as arrow.FixedSizeList).children[0]!.type : type;
  if (!(arrow.DataType.isFloat(leafType) || arrow.DataType.isInt(leafType))) {
    throw new Error(`column '${name}' of type ${String(type)} is not a numeric column`);
  }
  let out: TypedArray | undefined;
  let written = 0;
  for (const data of vector.data) {
    const leaf = fixed ? data.children[0]! : data;
    // Arrow JS slices value buffers (and FixedSizeList children) eagerly: values start at 0.
    const count = data.length * dim;
    const source = (leaf.values as TypedArray).subarray(0, count);
    out ??= new (source.constructor as TypedArrayCtor)(vector.length * dim);
    (out as unknown as { set(a: ArrayLike<unknown>, o: number): void }).set(source, written);
    written += count;
  }
  out ??= new Float64Array(0);
  return { values: out, dim, numRows: vector.length };
}
