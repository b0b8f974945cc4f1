/**
 * Random access to one file's bytes, wherever the file is: the parquet and mp4 readers take a
 * ByteSource when the file is not on disk (a Hub repository read over HTTP range requests).
 */

export interface ByteSource {
  /** The file's path, as error messages name it. */
  readonly name: string;
  readonly size: number;
  /** Bytes [start, end); `end` past the size reads to the end. */
  read(start: number, end: number): Promise<Uint8Array>;
}

/** Byte ranges [start, end) in file order, those less than `gap` bytes apart joined into one. */
export function coalesceRanges(ranges: [number, number][], gap: number): [number, number][] {
  const sorted = ranges.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = out.at(-1);
    if (last && start <= last[1] + gap) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}
