/**
 * CachedByteSource: ranged reads where small reads cost one fetch between them. The fetcher here
 * serves slices of a real buffer and records each range asked for, which is what the cache is to save.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CachedByteSource } from "../../src/remote/cached-source.js";

const FILE = randomBytes(3 << 20); // 3 MiB: larger than the biggest read kept

/** A source over FILE (or its first `served` bytes, for a file cut short) and the ranges it fetched. */
function source(served = FILE.length) {
  const fetches: [number, number][] = [];
  const cached = new CachedByteSource("file.parquet", FILE.length, async (start, end) => {
    fetches.push([start, end]);
    return new Uint8Array(FILE.subarray(start, Math.min(end, served)));
  });
  return { cached, fetches };
}

const expected = (start: number, end: number) => new Uint8Array(FILE.subarray(start, end));

describe("CachedByteSource", () => {
  it("keeps its name and size", () => {
    const { cached } = source();
    expect([cached.name, cached.size]).toEqual(["file.parquet", FILE.length]);
  });

  it("widens a small read to 4096 bytes and serves reads inside it without fetching", async () => {
    const { cached, fetches } = source();
    expect(await cached.read(100, 120)).toEqual(expected(100, 120));
    expect(fetches).toEqual([[100, 4196]]);
    expect(await cached.read(2000, 4196)).toEqual(expected(2000, 4196));
    expect(await cached.read(100, 101)).toEqual(expected(100, 101));
    expect(fetches).toHaveLength(1);
  });

  it("fetches only from where the cached bytes end for a read that runs past them, and assembles across segments", async () => {
    const { cached, fetches } = source();
    await cached.read(0, 10);
    expect(await cached.read(4000, 5000)).toEqual(expected(4000, 5000));
    expect(fetches).toEqual([[0, 4096], [4096, 8192]]);
    // Both segments serve a read spanning them: nothing fetched.
    expect(await cached.read(50, 8000)).toEqual(expected(50, 8000));
    expect(fetches).toHaveLength(2);
  });

  it("fetches nothing for a read that segments cached in any order already cover", async () => {
    const { cached, fetches } = source();
    await cached.read(4096, 4100);
    await cached.read(0, 10);
    expect(fetches).toEqual([[4096, 8192], [0, 4096]]);
    expect(await cached.read(50, 8000)).toEqual(expected(50, 8000));
    expect(fetches).toHaveLength(2);
  });

  it("fetches reads over 1 MiB as they are and does not keep them", async () => {
    const { cached, fetches } = source();
    const start = 10;
    const end = start + (1 << 20) + 1;
    expect(await cached.read(start, end)).toEqual(expected(start, end));
    expect(await cached.read(start, end)).toEqual(expected(start, end));
    expect(fetches).toEqual([[start, end], [start, end]]);
  });

  it("clamps reads to the file's size, reading nothing for an empty or past-the-end range", async () => {
    const { cached, fetches } = source();
    expect(await cached.read(FILE.length - 10, FILE.length + 100)).toEqual(expected(FILE.length - 10, FILE.length));
    expect(fetches).toEqual([[FILE.length - 10, FILE.length]]);
    expect(await cached.read(FILE.length, FILE.length + 5)).toHaveLength(0);
    expect(await cached.read(500, 500)).toHaveLength(0);
    expect(fetches).toHaveLength(1);
  });

  it("returns the bytes there are when the fetch comes back short (the file ended early)", async () => {
    const { cached } = source(1000);
    expect(await cached.read(900, 1100)).toEqual(expected(900, 1000));
  });
});
