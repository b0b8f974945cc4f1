/**
 * Column statistics computed from the data itself (parquet-wasm does not expose the footer's
 * statistics, and writers may omit them): null count for every column; min / max / mean over
 * the numeric values of int, float and bool columns and lists of them; per dimension for
 * fixed-size-list vectors such as `action`.
 */
import * as arrow from "apache-arrow";
import type { ColumnStats, DimensionStats } from "./report.js";
import { jsonNumber } from "./values.js";

/** Vectors wider than this get one overall entry: a per-pixel table helps nobody. */
export const MAX_DIMENSIONS = 64;

type Leaf = number | bigint;

class Accumulator {
  count = 0;
  nanCount = 0;
  sum = 0;
  min: Leaf | undefined;
  max: Leaf | undefined;

  add(v: Leaf): void {
    if (typeof v === "number" && Number.isNaN(v)) {
      this.nanCount++;
      return;
    }
    this.count++;
    this.sum += Number(v);
    if (this.min === undefined || v < this.min) this.min = v;
    if (this.max === undefined || v > this.max) this.max = v;
  }

  merge(other: Accumulator): void {
    this.count += other.count;
    this.nanCount += other.nanCount;
    this.sum += other.sum;
    if (other.min !== undefined && (this.min === undefined || other.min < this.min)) this.min = other.min;
    if (other.max !== undefined && (this.max === undefined || other.max > this.max)) this.max = other.max;
  }

  get mean(): number | null {
    return this.count > 0 ? this.sum / this.count : null;
  }
}

/** The list levels above a column's leaf values, and the leaf type. */
function unwrap(type: arrow.DataType): { levels: arrow.DataType[]; leaf: arrow.DataType } {
  const levels: arrow.DataType[] = [];
  let t = type;
  while (arrow.DataType.isList(t) || arrow.DataType.isFixedSizeList(t)) {
    levels.push(t);
    t = t.children[0]!.type;
  }
  return { levels, leaf: t };
}

function isNumericLeaf(type: arrow.DataType): boolean {
  return arrow.DataType.isInt(type) || arrow.DataType.isFloat(type) || arrow.DataType.isBool(type);
}

/** Values per row of a column made only of fixed-size lists (a vector), else undefined. */
function fixedWidth(levels: arrow.DataType[]): number | undefined {
  if (levels.length === 0 || !levels.every((l) => arrow.DataType.isFixedSizeList(l))) return undefined;
  return levels.reduce((n, l) => n * (l as arrow.FixedSizeList).listSize, 1);
}

/** Reads leaf value j of one chunk's leaf data as a number or bigint (undefined when null). */
function leafReader(leaf: arrow.Data): (j: number) => Leaf | undefined {
  const type = leaf.type as arrow.DataType;
  const valid = (j: number) => leaf.nullCount === 0 || leaf.getValid(j);
  if (arrow.DataType.isBool(type)) {
    const vector = arrow.makeVector(leaf as arrow.Data<arrow.Bool>);
    return (j) => (valid(j) ? (vector.get(j) ? 1 : 0) : undefined);
  }
  // Arrow JS slices value buffers eagerly: value j of this Data is values[j].
  const values = leaf.values as ArrayLike<Leaf>;
  if (arrow.DataType.isFloat(type) && (type as arrow.Float).precision === arrow.Precision.HALF) {
    return (j) => (valid(j) ? arrow.util.uint16ToFloat64(values[j] as number) : undefined);
  }
  return (j) => (valid(j) ? values[j] : undefined);
}

function leafData(data: arrow.Data): arrow.Data {
  let d = data;
  while (arrow.DataType.isList(d.type) || arrow.DataType.isFixedSizeList(d.type)) d = d.children[0]!;
  return d;
}

/** The leaf-value range [from, to) of row `row` of a chunk, through its list levels. */
function leafRange(data: arrow.Data, row: number): [number, number] {
  let d = data;
  let a = row;
  let b = row + 1;
  while (arrow.DataType.isList(d.type) || arrow.DataType.isFixedSizeList(d.type)) {
    if (arrow.DataType.isFixedSizeList(d.type)) {
      const n = (d.type as arrow.FixedSizeList).listSize;
      a *= n;
      b *= n;
    } else {
      const offsets = d.valueOffsets;
      a = offsets[a]!;
      b = offsets[b]!;
    }
    d = d.children[0]!;
  }
  return [a, b];
}

/**
 * Statistics of one column. `names` are the dimension names (info.json `names`) used for the
 * per-dimension entries when there are as many as the vector has values.
 */
export function computeColumnStats(vector: arrow.Vector, column: string, names?: string[]): ColumnStats {
  const type = vector.type as arrow.DataType;
  const { levels, leaf } = unwrap(type);
  const base = { column, type: String(type), rows: vector.length, nullCount: vector.nullCount };
  if (!isNumericLeaf(leaf)) {
    return { ...base, numeric: false, count: 0, nanCount: 0, min: null, max: null, mean: null, dimensions: null };
  }
  const width = fixedWidth(levels);
  const perDimension = width !== undefined && width <= MAX_DIMENSIONS;
  const dims = perDimension ? Array.from({ length: width }, () => new Accumulator()) : [];
  const all = new Accumulator();
  for (const data of vector.data) {
    const read = leafReader(leafData(data));
    if (levels.length === 0) {
      for (let j = 0; j < data.length; j++) {
        const v = read(j);
        if (v !== undefined) all.add(v);
      }
      continue;
    }
    for (let row = 0; row < data.length; row++) {
      if (data.nullCount > 0 && !data.getValid(row)) continue;
      const [from, to] = leafRange(data, row);
      for (let j = from; j < to; j++) {
        const v = read(j);
        if (v === undefined) continue;
        if (perDimension) dims[j - from]!.add(v);
        else all.add(v);
      }
    }
  }
  let dimensions: DimensionStats[] | null = null;
  if (perDimension) {
    for (const d of dims) all.merge(d);
    const named = names && names.length === width ? names : undefined;
    dimensions = dims.map((d, i) => ({
      label: `${column}[${i}]`,
      name: named?.[i] ?? null,
      count: d.count,
      nanCount: d.nanCount,
      min: jsonNumber(d.min),
      max: jsonNumber(d.max),
      mean: jsonNumber(d.mean),
    }));
  }
  return {
    ...base,
    numeric: true,
    count: all.count,
    nanCount: all.nanCount,
    min: jsonNumber(all.min),
    max: jsonNumber(all.max),
    mean: jsonNumber(all.mean),
    dimensions,
  };
}
