/**
 * Arrow cell values to JSON-safe values for reports: bigints to numbers (strings past 2^53),
 * -0 to 0, NaN / Infinity to null, binary to a one-word summary. Binary is never dumped: an image
 * column holds megabytes of PNG.
 */
import * as arrow from "apache-arrow";
import type { JsonValue, StatNumber } from "./report.js";

/** A number or int64 as a report number: exact when it fits a double, else a decimal string. */
export function jsonNumber(value: number | bigint | undefined | null): StatNumber {
  if (value === undefined || value === null) return null;
  if (typeof value === "bigint") {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (!Number.isFinite(value)) return null;
  // -0 would not survive JSON; report what a JSON reader will see.
  return value === 0 ? 0 : value;
}

/** `<png 1234 bytes>`, `<jpeg ...>`, or `<1234 bytes>` for bytes of unknown kind. */
export function describeBytes(bytes: Uint8Array): string {
  const kind = sniff(bytes);
  return `<${kind ? `${kind} ` : ""}${bytes.byteLength} bytes>`;
}

function sniff(b: Uint8Array): string | undefined {
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "png";
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70) return "mp4";
  return undefined;
}

/** One cell of a column of `type` as a JSON value. */
export function toJsonValue(value: unknown, type: arrow.DataType): JsonValue {
  if (value === null || value === undefined) return null;
  if (arrow.DataType.isStruct(type)) {
    const row = value as Record<string, unknown>;
    const out: Record<string, JsonValue> = {};
    for (const child of type.children) out[child.name] = toJsonValue(row[child.name], child.type);
    return out;
  }
  if (arrow.DataType.isList(type) || arrow.DataType.isFixedSizeList(type)) {
    const childType = type.children[0]!.type;
    return Array.from(value as Iterable<unknown>, (item) => toJsonValue(item, childType));
  }
  if (arrow.DataType.isDictionary(type)) return toJsonValue(value, type.dictionary);
  return scalarJson(value);
}

function scalarJson(value: unknown): JsonValue {
  if (typeof value === "bigint" || typeof value === "number") return jsonNumber(value);
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (value instanceof Uint8Array) return describeBytes(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof arrow.Vector) return Array.from(value as Iterable<unknown>, scalarJson);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, jsonNumber);
  // Maps and other nested values Arrow JS gives as objects with toJSON.
  const json = (value as { toJSON?: () => unknown }).toJSON?.();
  if (json !== undefined && json !== value && json !== null && typeof json === "object") {
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, scalarJson(v)]));
  }
  return String(value);
}
