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

  readStruct(): ThriftStruct {
    const fields: ThriftField[] = [];
    let lastId = 0;
    for (;;) {
      const header = this.byte();
      const type = (header & 0x0f) as TType;
      if (type === TType.Stop) return { kind: "struct", fields };
      const delta = header >> 4;
      const id = delta === 0 ? Number(this.zigzag()) : lastId + delta;
      lastId = id;
      const value = type === TType.True ? true : type === TType.False ? false : this.readValue(type);
      fields.push({ id, type, value });
    }
  }

  private readValue(type: TType): ThriftValue {
    switch (type) {
      case TType.True: case TType.False: return this.byte() === 1;
      case TType.Byte: { const b = this.byte(); return b > 127 ? b - 256 : b; }
      case TType.I16: case TType.I32: return Number(this.zigzag());
      case TType.I64: return this.zigzag();
      case TType.Double: {
        const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8);
        this.pos += 8;
        return view.getFloat64(0, true);
      }
      case TType.Binary: {
        const length = Number(this.varint());
        const out = this.bytes.subarray(this.pos, this.pos + length);
        if (out.length !== length) throw new Error("thrift: binary runs past the end");
        this.pos += length;
        return out;
      }
      case TType.List: case TType.Set: {
        const header = this.byte();
        const elemType = (header & 0x0f) as TType;
        const size = header >> 4 === 15 ? Number(this.varint()) : header >> 4;
        const items: ThriftValue[] = [];
        for (let i = 0; i < size; i++) items.push(this.readValue(elemType));
        return { kind: "list", elemType, items };
      }
      case TType.Map: {
        const size = Number(this.varint());
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
  private chunks: number[] = [];

  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }

  private varint(value: bigint): void {
    let n = BigInt.asUintN(64, value);
    while (n >= 0x80n) {
      this.chunks.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.chunks.push(Number(n));
  }

  private zigzag(value: bigint | number): void {
    const n = BigInt(value);
    this.varint((n << 1n) ^ (n >> 63n));
  }

  writeStruct(struct: ThriftStruct): void {
    let lastId = 0;
    for (const field of [...struct.fields].sort((a, b) => a.id - b.id)) {
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
        this.varint(BigInt(b.length));
        for (const x of b) this.chunks.push(x);
        return;
      }
      case TType.List: case TType.Set: {
        const list = value as { elemType: TType; items: ThriftValue[] };
        if (list.items.length < 15) this.chunks.push((list.items.length << 4) | list.elemType);
        else {
          this.chunks.push(0xf0 | list.elemType);
          this.varint(BigInt(list.items.length));
        }
        for (const item of list.items) this.writeValue(list.elemType, item);
        return;
      }
      case TType.Map: {
        const map = value as { keyType: TType; valueType: TType; entries: [ThriftValue, ThriftValue][] };
        this.varint(BigInt(map.entries.length));
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
