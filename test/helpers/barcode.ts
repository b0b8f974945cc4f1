/**
 * Test frames that carry a few integers (0..65535 each) through a lossy video codec: one bit per
 * large black/white cell, read back by averaging each cell's centre. Cells not needed for bits,
 * and the margin, get colours that depend on the values, so image statistics are not trivial.
 */

const BITS_PER_VALUE = 16;
const MIN_CELL = 8;

interface Layout {
  cell: number;
  cols: number;
  rows: number;
  bits: number;
}

/** The largest square cell that fits all bits plus a quarter as many colour cells. */
function layout(width: number, height: number, count: number): Layout {
  const bits = count * BITS_PER_VALUE;
  const needed = bits + Math.ceil(bits / 4);
  for (let cell = Math.floor(Math.min(width, height) / 2); cell >= MIN_CELL; cell--) {
    const cols = Math.floor(width / cell);
    const rows = Math.floor(height / cell);
    if (cols * rows >= needed) return { cell, cols, rows, bits };
  }
  throw new Error(`barcode: ${count} values do not fit in ${width}x${height} with cells of at least ${MIN_CELL}px`);
}

export function barcodeFrame(width: number, height: number, values: number[]): Uint8Array {
  for (const v of values) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new Error(`barcode: value ${v} is not an integer in 0..65535`);
  }
  const { cell, cols, rows, bits } = layout(width, height, values.length);
  const seed = values.reduce((acc, v, i) => acc + v * (31 + 17 * i), 7);
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / cell);
    for (let x = 0; x < width; x++) {
      const col = Math.floor(x / cell);
      const index = row < rows && col < cols ? row * cols + col : -1;
      const o = (y * width + x) * 3;
      if (index >= 0 && index < bits) {
        const value = values[Math.floor(index / BITS_PER_VALUE)] ?? 0;
        const on = (value >> (index % BITS_PER_VALUE)) & 1 ? 255 : 0;
        rgb[o] = on;
        rgb[o + 1] = on;
        rgb[o + 2] = on;
      } else {
        // Colour cells and margin: a gradient shifted by the values (and by the cell) so it varies.
        const k = index < 0 ? 5 : index;
        rgb[o] = (seed * 13 + k * 29 + (x * 64) / width) & 0xff;
        rgb[o + 1] = (seed * 7 + k * 71 + (y * 64) / height) & 0xff;
        rgb[o + 2] = (seed * 3 + k * 43 + 96) & 0xff;
      }
    }
  }
  return rgb;
}

export function readBarcode(rgb: Uint8Array, width: number, height: number, count: number): number[] {
  if (rgb.length !== width * height * 3) throw new Error(`barcode: frame has ${rgb.length} bytes, expected ${width * height * 3}`);
  const { cell, cols } = layout(width, height, count);
  const values = new Array<number>(count).fill(0);
  const from = Math.floor(cell / 4);
  const to = cell - from;
  for (let index = 0; index < count * BITS_PER_VALUE; index++) {
    const x0 = (index % cols) * cell;
    const y0 = Math.floor(index / cols) * cell;
    let sum = 0;
    let n = 0;
    for (let y = y0 + from; y < y0 + to; y++) {
      for (let x = x0 + from; x < x0 + to; x++) {
        const o = (y * width + x) * 3;
        sum += 0.299 * (rgb[o] ?? 0) + 0.587 * (rgb[o + 1] ?? 0) + 0.114 * (rgb[o + 2] ?? 0);
        n++;
      }
    }
    if (sum / n > 127.5) {
      const v = Math.floor(index / BITS_PER_VALUE);
      values[v] = (values[v] ?? 0) | (1 << (index % BITS_PER_VALUE));
    }
  }
  return values;
}
