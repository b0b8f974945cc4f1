/**
 * The frames of the episode being recorded: validated on arrival, stored column by column in
 * growable typed arrays. A frame that fails validation leaves the buffer exactly as it was.
 */
import { FrameValidationError } from "../errors.js";
import type { Feature, NumericDtype } from "./info.js";
import { featureSize } from "./info.js";
import type { TypedArray } from "./schema.js";
import { isNumericDtype, typedArrayFor } from "./schema.js";

/** A value for one feature in a frame: a number for shape [1], an array for shape [n], RGB bytes for a camera. */
export type FrameValue = number | boolean | string | ArrayLike<number> | ArrayLike<boolean> | Uint8Array;

/** One frame given to DatasetWriter.addFrame: a value for every user feature, plus the task text. */
export interface Frame {
  task: string;
  [feature: string]: FrameValue;
}

const INTEGER_RANGES: Partial<Record<NumericDtype, [number, number]>> = {
  int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
  uint8: [0, 255], uint16: [0, 65535], uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], uint64: [0, Number.MAX_SAFE_INTEGER],
};

/** Grows by doubling so appending a frame is amortised O(values). */
class GrowableColumn {
  private data: TypedArray;
  length = 0;
  constructor(readonly dtype: NumericDtype, readonly dim: number) {
    this.data = typedArrayFor(dtype, dim * 64);
  }
  push(values: number[]): void {
    if ((this.length + 1) * this.dim > this.data.length) {
      const bigger = typedArrayFor(this.dtype, this.data.length * 2);
      (bigger as unknown as { set(a: ArrayLike<unknown>): void }).set(this.data);
      this.data = bigger;
    }
    const offset = this.length * this.dim;
    if (this.data instanceof BigInt64Array || this.data instanceof BigUint64Array) {
      for (let i = 0; i < this.dim; i++) this.data[offset + i] = BigInt(values[i]!);
    } else {
      for (let i = 0; i < this.dim; i++) this.data[offset + i] = values[i]!;
    }
    this.length++;
  }
  /** The filled part (a view, not a copy). */
  values(): TypedArray {
    return this.data.subarray(0, this.length * this.dim);
  }
}

export interface ValidatedFrame {
  numeric: Map<string, number[]>;
  strings: Map<string, string>;
  images: Map<string, Uint8Array>;
  task: string;
}

/**
 * Check a frame against the user features and convert it, without touching any buffer.
 * Errors name the feature and say what was expected.
 */
export function validateFrame(frame: Frame, features: Record<string, Feature>): ValidatedFrame {
  if (frame === null || typeof frame !== "object") throw new FrameValidationError("(frame)", "a frame must be an object");
  if (typeof frame.task !== "string" || frame.task.length === 0) {
    throw new FrameValidationError("task", "every frame needs a non-empty task string");
  }
  for (const key of Object.keys(frame)) {
    if (key !== "task" && !Object.hasOwn(features, key)) {
      throw new FrameValidationError(key, `is not a feature of this dataset (features: ${Object.keys(features).join(", ")})`);
    }
  }
  const out: ValidatedFrame = { numeric: new Map(), strings: new Map(), images: new Map(), task: frame.task };
  for (const [key, feature] of Object.entries(features)) {
    const value = frame[key];
    if (value === undefined) throw new FrameValidationError(key, "is missing from the frame");
    if (feature.dtype === "video" || feature.dtype === "image") {
      out.images.set(key, checkImage(key, feature, value));
    } else if (feature.dtype === "string") {
      if (typeof value !== "string") throw new FrameValidationError(key, `expected a string, got ${describe(value)}`);
      out.strings.set(key, value);
    } else if (isNumericDtype(feature.dtype)) {
      out.numeric.set(key, checkNumeric(key, feature, feature.dtype, value));
    } else {
      throw new FrameValidationError(key, `dtype '${feature.dtype}' cannot be written`);
    }
  }
  return out;
}

function checkImage(key: string, feature: Feature, value: FrameValue): Uint8Array {
  const [height, width, channels] = feature.shape;
  const expected = featureSize(feature);
  if (!(value instanceof Uint8Array)) {
    throw new FrameValidationError(key, `expected a Uint8Array of ${height}x${width}x${channels} RGB bytes, got ${describe(value)}`);
  }
  if (value.length !== expected) {
    throw new FrameValidationError(key, `expected ${expected} bytes (${height}x${width}x${channels} RGB), got ${value.length}`);
  }
  return value;
}

function checkNumeric(key: string, feature: Feature, dtype: NumericDtype, value: FrameValue): number[] {
  const size = featureSize(feature);
  let values: unknown[];
  if (typeof value === "number" || typeof value === "boolean") values = [value];
  else if (typeof value === "string") throw new FrameValidationError(key, `expected ${dtype} values, got a string`);
  else values = Array.from(value as ArrayLike<unknown>);
  if (values.length !== size) {
    throw new FrameValidationError(key, `expected shape [${feature.shape.join(", ")}] (${size} values), got ${values.length}`);
  }
  const range = INTEGER_RANGES[dtype];
  return values.map((v, i) => {
    const where = size > 1 ? ` at position ${i}` : "";
    if (dtype === "bool") {
      if (typeof v === "boolean") return v ? 1 : 0;
      if (v === 0 || v === 1) return v;
      throw new FrameValidationError(key, `expected bool${where}, got ${describe(v)}`);
    }
    if (typeof v !== "number") throw new FrameValidationError(key, `expected ${dtype}${where}, got ${describe(v)}`);
    if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) {
      throw new FrameValidationError(key, `expected ${dtype}${where}, got ${v}`);
    }
    return v;
  });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${(value as Uint8Array).length}`;
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/** Columns of the episode in progress (user numeric and string features only; cameras stream elsewhere). */
export class EpisodeBuffer {
  private readonly numeric = new Map<string, GrowableColumn>();
  private readonly strings = new Map<string, string[]>();
  /** PNG bytes per frame of image features (cameras stored in the parquet, useVideos: false). */
  private readonly pngs = new Map<string, Uint8Array[]>();
  /** Task text of every frame. */
  readonly tasks: string[] = [];
  size = 0;

  constructor(features: Record<string, Feature>) {
    for (const [key, feature] of Object.entries(features)) {
      if (isNumericDtype(feature.dtype)) this.numeric.set(key, new GrowableColumn(feature.dtype, featureSize(feature)));
      else if (feature.dtype === "string") this.strings.set(key, []);
      else if (feature.dtype === "image") this.pngs.set(key, []);
    }
  }

  append(frame: ValidatedFrame, pngs: Map<string, Uint8Array> = new Map()): void {
    for (const [key, png] of pngs) this.pngs.get(key)!.push(png);
    for (const [key, values] of frame.numeric) this.numeric.get(key)!.push(values);
    for (const [key, value] of frame.strings) this.strings.get(key)!.push(value);
    this.tasks.push(frame.task);
    this.size++;
  }

  numericValues(key: string): TypedArray {
    return this.numeric.get(key)!.values();
  }

  stringValues(key: string): string[] {
    return this.strings.get(key)!;
  }

  imageValues(key: string): Uint8Array[] {
    return this.pngs.get(key)!;
  }
}
