/**
 * A lossless reader/writer for the Thrift compact protocol, the encoding of parquet footers.
 * Structs decode to field lists that keep every field (known or not), so a footer can be edited
 * in a few places and written back without a schema.
 */

export const enum TType {
  Stop = 0, True = 1, False = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7,
  Binary = 8, List = 9, Set = 10, Map = 11, Struct = 12,
}

export type ThriftValue =
  | boolean | number | bigint | Uint8Array | ThriftStruct
  /** Writer only: a list whose elements are already encoded, concatenated in `bytes`. */
  | { kind: "encoded-list"; elemType: TType; count: number; bytes: Uint8Array }
  | { kind: "list"; elemType: TType; items: ThriftValue[] }
  | { kind: "map"; keyType: TType; valueType: TType; entries: [ThriftValue, ThriftValue][] };

export interface ThriftField { id: number; type: TType; value: ThriftValue }
export interface ThriftStruct { kind: "struct"; fields: ThriftField[] }

export class CompactReader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  private byte(): number {
    if (this.pos >= this.bytes.length) throw new Error("thrift: unexpected end of data");
    return this.bytes[this.pos++]!;
  }

  private varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new Error("thrift: varint too long");
    }
  }

  private zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  /** A varint known to fit a JS number (sizes, counts, i16/i32 values): no BigInt on the hot path. */
  private smallVarint(): number {
    let result = 0;
    let factor = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * factor;
      if ((b & 0x80) === 0) return result;
      factor *= 128;
      if (factor > 2 ** 49) throw new Error("thrift: varint too long for a 32-bit value");
    }
  }

  private smallZigzag(): number {
    const n = this.smallVarint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  readStruct(): ThriftStruct {
    const fields: ThriftField[] = [];
    let lastId = 0;
    for (;;) {
      const header = this.byte();
      const type = (header & 0x0f) as TType;
      if (type === TType.Stop) return { kind: "struct", fields };
      const delta = header >> 4;
      const id = delta === 0 ? this.smallZigzag() : lastId + delta;
      lastId = id;
      const value = type === TType.True ? true : type === TType.False ? false : this.readValue(type);
      fields.push({ id, type, value });
    }
  }

  private readValue(type: TType): ThriftValue {
    switch (type) {
      case TType.True: case TType.False: return this.byte() === 1;
      case TType.Byte: { const b = this.byte(); return b > 127 ? b - 256 : b; }
      case TType.I16: case TType.I32: return this.smallZigzag();
      case TType.I64: return this.zigzag();
      case TType.Double: {
        const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8);
        this.pos += 8;
        return view.getFloat64(0, true);
      }
      case TType.Binary: {
        const length = this.smallVarint();
        const out = this.bytes.subarray(this.pos, this.pos + length);
        if (out.length !== length) throw new Error("thrift: binary runs past the end");
        this.pos += length;
        return out;
      }
      case TType.List: case TType.Set: {
        const header = this.byte();
        const elemType = (header & 0x0f) as TType;
        const size = header >> 4 === 15 ? this.smallVarint() : header >> 4;
        const items: ThriftValue[] = [];
        for (let i = 0; i < size; i++) items.push(this.readValue(elemType));
        return { kind: "list", elemType, items };
      }
      case TType.Map: {
        const size = this.smallVarint();
        if (size === 0) return { kind: "map", keyType: TType.Stop, valueType: TType.Stop, entries: [] };
        const types = this.byte();
        const keyType = (types >> 4) as TType;
        const valueType = (types & 0x0f) as TType;
        const entries: [ThriftValue, ThriftValue][] = [];
        for (let i = 0; i < size; i++) entries.push([this.readValue(keyType), this.readValue(valueType)]);
        return { kind: "map", keyType, valueType, entries };
      }
      case TType.Struct: return this.readStruct();
      default: throw new Error(`thrift: unknown type ${type as number}`);
    }
  }
}

export class CompactWriter {
  private buf = new Uint8Array(4096);
  private length = 0;
  /** Byte sink with the array-like push the encoders below use. */
  private readonly chunks = { push: (...bytes: number[]) => { for (const b of bytes) this.byte(b); } };

  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  private byte(b: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = b;
  }

  private varint(value: bigint): void {
    let n = BigInt.asUintN(64, value);
    while (n >= 0x80n) {
      this.byte(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.byte(Number(n));
  }

  private listHeader(count: number, elemType: TType): void {
    if (count < 15) this.byte((count << 4) | elemType);
    else {
      this.byte(0xf0 | elemType);
      this.smallVarint(count);
    }
  }

  /** Bytes already in compact encoding. */
  raw(bytes: Uint8Array): void {
    while (this.length + bytes.length > this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf.subarray(0, this.length));
      this.buf = bigger;
    }
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Unsigned varint of a non-negative safe integer, without BigInt. */
  private smallVarint(n: number): void {
    while (n >= 0x80) {
      this.byte((n % 128) | 0x80);
      n = Math.floor(n / 128);
    }
    this.byte(n);
  }

  private zigzag(value: bigint | number): void {
    if (typeof value === "number" && Number.isSafeInteger(value) && Math.abs(value) < 2 ** 51) {
      this.smallVarint(value >= 0 ? value * 2 : -value * 2 - 1);
      return;
    }
    const n = BigInt(value);
    this.varint((n << 1n) ^ (n >> 63n));
  }

  writeStruct(struct: ThriftStruct): void {
    this.writeFields(struct.fields);
    this.chunks.push(TType.Stop);
  }

  /**
   * Fields of a struct, in id order, without its closing stop: `lastId` is the id of the field
   * written before them, so a struct can be written in pieces (a parquet footer around its
   * row groups, which are copied in already encoded). Returns the last id written.
   */
  writeFields(fields: ThriftField[], lastId = 0): number {
    for (const field of [...fields].sort((a, b) => a.id - b.id)) {
      const type = field.type === TType.True || field.type === TType.False ? (field.value ? TType.True : TType.False) : field.type;
      const delta = field.id - lastId;
      if (delta > 0 && delta <= 15) this.chunks.push((delta << 4) | type);
      else {
        this.chunks.push(type);
        this.zigzag(field.id);
      }
      lastId = field.id;
      if (type !== TType.True && type !== TType.False) this.writeValue(type, field.value);
    }
    return lastId;
  }

  /** The end of a struct written with writeFields. */
  writeStop(): void {
    this.chunks.push(TType.Stop);
  }

  private writeValue(type: TType, value: ThriftValue): void {
    switch (type) {
      case TType.True: case TType.False: this.chunks.push(value ? 1 : 2); return;
      case TType.Byte: this.chunks.push((value as number) & 0xff); return;
      case TType.I16: case TType.I32: case TType.I64: this.zigzag(value as number | bigint); return;
      case TType.Double: {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setFloat64(0, value as number, true);
        this.chunks.push(...b);
        return;
      }
      case TType.Binary: {
        const b = value as Uint8Array;
        this.smallVarint(b.length);
        this.raw(b);
        return;
      }
      case TType.List: case TType.Set: {
        if ((value as { kind?: string }).kind === "encoded-list") {
          const list = value as { elemType: TType; count: number; bytes: Uint8Array };
          this.listHeader(list.count, list.elemType);
          this.raw(list.bytes);
          return;
        }
        const list = value as { elemType: TType; items: ThriftValue[] };
        if (list.items.length < 15) this.chunks.push((list.items.length << 4) | list.elemType);
        else {
          this.chunks.push(0xf0 | list.elemType);
          this.smallVarint(list.items.length);
        }
        for (const item of list.items) this.writeValue(list.elemType, item);
        return;
      }
      case TType.Map: {
        const map = value as { keyType: TType; valueType: TType; entries: [ThriftValue, ThriftValue][] };
        this.smallVarint(map.entries.length);
        if (map.entries.length === 0) return;
        this.chunks.push((map.keyType << 4) | map.valueType);
        for (const [k, v] of map.entries) {
          this.writeValue(map.keyType, k);
          this.writeValue(map.valueType, v);
        }
        return;
      }
      case TType.Struct: this.writeStruct(value as ThriftStruct); return;
      default: throw new Error(`thrift: cannot write type ${type as number}`);
    }
  }
}

/** The field with this id, if present. */
export function field(struct: ThriftStruct, id: number): ThriftField | undefined {
  return struct.fields.find((f) => f.id === id);
}

/** The items of the list field with this id; none when it is absent or not a list. */
export function listField(struct: ThriftStruct, id: number): ThriftValue[] {
  const value = field(struct, id)?.value;
  return value && typeof value === "object" && "kind" in value && value.kind === "list" ? value.items : [];
}
