/**
 * A machine-readable counter painted into a camera frame: 16 bits per value, one large black or
 * white square per bit, in a band along the top of the frame. Reading averages the luma of each
 * square's centre, so the counter survives chroma subsampling and h264 at its default quality.
 * It lets a test (or a user) check that frame k of a video is the frame the camera gave at tick k.
 */

const BITS_PER_VALUE = 16;
/** Smaller squares blur into their neighbours under h264. */
const MIN_CELL = 8;
/** Larger ones would only hide more of the picture. */
const MAX_CELL = 40;

interface Layout {
  cell: number;
  cols: number;
  bits: number;
}

/** As few rows of squares as possible, each square as large as fits the width. */
function layout(width: number, height: number, count: number): Layout {
  const bits = count * BITS_PER_VALUE;
  for (let rows = 1; rows <= bits; rows++) {
    const cols = Math.ceil(bits / rows);
    const cell = Math.min(MAX_CELL, Math.floor(width / cols));
    if (cell < MIN_CELL) continue;
    if (rows * cell > height) break;
    return { cell, cols, bits };
  }
  throw new Error(`frame counter: ${count} values do not fit in ${width}x${height} with squares of at least ${MIN_CELL}px`);
}

function checkSize(rgb: Uint8Array, width: number, height: number): void {
  if (rgb.length !== width * height * 3) throw new Error(`frame counter: frame has ${rgb.length} bytes, expected ${width}x${height}x3 = ${width * height * 3}`);
}

/** Paints `values` (integers 0..65535) over the top band of an RGB frame, in place. */
export function stampCounter(rgb: Uint8Array, width: number, height: number, values: number[]): void {
  checkSize(rgb, width, height);
  for (const v of values) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new Error(`frame counter: value ${v} is not an integer in 0..65535`);
  }
  const { cell, cols, bits } = layout(width, height, values.length);
  for (let index = 0; index < bits; index++) {
    const value = values[Math.floor(index / BITS_PER_VALUE)] ?? 0;
    const level = (value >> (index % BITS_PER_VALUE)) & 1 ? 255 : 0;
    const x0 = (index % cols) * cell;
    const y0 = Math.floor(index / cols) * cell;
    for (let y = y0; y < y0 + cell; y++) {
      const start = (y * width + x0) * 3;
      rgb.fill(level, start, start + cell * 3);
    }
  }
}

/** Reads back `count` values painted by stampCounter (possibly after lossy compression). */
export function readCounter(rgb: Uint8Array, width: number, height: number, count: number): number[] {
  checkSize(rgb, width, height);
  const { cell, cols, bits } = layout(width, height, count);
  const values = new Array<number>(count).fill(0);
  const from = Math.floor(cell / 4);
  const to = cell - from;
  for (let index = 0; index < bits; index++) {
    const x0 = (index % cols) * cell;
    const y0 = Math.floor(index / cols) * cell;
    let sum = 0;
    for (let y = y0 + from; y < y0 + to; y++) {
      for (let x = x0 + from; x < x0 + to; x++) {
        const o = (y * width + x) * 3;
        sum += 0.299 * (rgb[o] ?? 0) + 0.587 * (rgb[o + 1] ?? 0) + 0.114 * (rgb[o + 2] ?? 0);
      }
    }
    if (sum / ((to - from) * (to - from)) > 127.5) {
      const v = Math.floor(index / BITS_PER_VALUE);
      values[v] = (values[v] ?? 0) | (1 << (index % BITS_PER_VALUE));
    }
  }
  return values;
}
