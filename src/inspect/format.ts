/**
 * Inspect reports as text for a terminal: a few key/value lines, then compact aligned tables.
 * Long cells are cut with an ellipsis; sample rows too wide for the screen are shown one
 * field per line instead.
 */
import { formatTraffic } from "../dataset/index.js";
import type { CameraReport, DatasetReport, FileGroup, InspectReport, JsonValue, ParquetReport, StatNumber } from "./report.js";

/** Options of formatInspectReport. */
export interface FormatOptions {
  /** Screen width the sample-row table must fit in (default 160). */
  width?: number;
}

const CELL_MAX = 64;
/** Files listed per group before the rest are only counted. */
const FILES_LISTED = 30;

/** The human text `lerobot-ts inspect` prints for a report, ending with a newline. */
export function formatInspectReport(report: InspectReport, options: FormatOptions = {}): string {
  const lines = report.kind === "parquet" ? formatParquet(report, options.width ?? 160) : formatDataset(report);
  return `${lines.join("\n")}\n`;
}

export function formatNumber(value: StatNumber): string {
  if (value === null) return "-";
  if (typeof value === "string") return value;
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-4)) return value.toExponential(3);
  return String(Number(value.toPrecision(6)));
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let unit = "B";
  for (const u of units) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  return `${v.toFixed(1)} ${unit}`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(2)} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.round(s % 60);
  const clock = h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}` : `${m}:${String(sec).padStart(2, "0")}`;
  return `${s.toFixed(1)} s (${clock})`;
}

function cut(text: string, max = CELL_MAX): string {
  const flat = text.replace(/\r?\n/g, "\\n");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A sample cell: numbers shortened, lists bracketed, image structs as their byte summary. */
function formatValue(value: JsonValue): string {
  if (value === null) return "null";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  const keys = Object.keys(value);
  if (keys.length === 2 && "bytes" in value && "path" in value) {
    // LeRobot's image struct: the bytes summary says it all unless a path is set.
    return value.path === null ? formatValue(value.bytes ?? null) : `${formatValue(value.bytes ?? null)} ${formatValue(value.path ?? null)}`;
  }
  return `{${keys.map((k) => `${k}: ${formatValue(value[k] ?? null)}`).join(", ")}}`;
}

/** Rows of cells as aligned columns, two spaces apart; `right` columns are right-aligned. */
function table(headers: string[], rows: string[][], right: number[] = []): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ")}`.trimEnd();
  return [line(headers), ...rows.map(line)];
}

function keyValues(pairs: [string, string][]): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function formatParquet(r: ParquetReport, width: number): string[] {
  const out: string[] = [r.file];
  out.push(...keyValues([
    ["size", formatBytes(r.bytes)],
    ["rows", `${r.numRows} in ${plural(r.rowGroups.length, "row group")}`],
    ["columns", String(r.fields.length)],
    ["compression", r.compression.join(", ") || "-"],
    ["created by", r.createdBy ?? "-"],
    ["format", `parquet v${r.formatVersion}`],
  ]));

  out.push("", "schema", ...table(["column", "type", "nullable"], r.fields.map((f) => [f.name, f.type, f.nullable ? "yes" : "no"])));

  out.push("", "row groups", ...table(
    ["#", "rows", "compressed", "uncompressed"],
    r.rowGroups.map((g) => [String(g.index), String(g.rows), formatBytes(g.compressedBytes), formatBytes(g.uncompressedBytes)]),
    [0, 1, 2, 3],
  ));

  out.push("", "column chunks (all row groups)", ...table(
    ["column", "codec", "compressed", "uncompressed"],
    r.columnChunks.map((c) => [c.path, c.compression.join(", "), formatBytes(c.compressedBytes), formatBytes(c.uncompressedBytes)]),
    [2, 3],
  ));

  if (r.keyValue.length > 0) {
    out.push("", "key-value metadata", ...table(["key", "size"], r.keyValue.map((kv) => [kv.key, formatBytes(kv.bytes)]), [1]));
  }

  out.push("", `rows ${r.sample.start}:${r.sample.end} of ${r.numRows}`);
  out.push(...formatSample(r, width));

  if (r.columnStats) {
    const nan = r.columnStats.some((s) => s.nanCount > 0);
    const rows: string[][] = [];
    for (const s of r.columnStats) {
      if (s.dimensions) {
        for (const d of s.dimensions) {
          const extra = nan ? [String(d.nanCount)] : [];
          rows.push([d.label, d.name ?? "", String(d.count), String(s.nullCount), ...extra, formatNumber(d.min), formatNumber(d.max), formatNumber(d.mean)]);
        }
      } else {
        const extra = nan ? [String(s.nanCount)] : [];
        rows.push([s.column, "", s.numeric ? String(s.count) : "-", String(s.nullCount), ...extra, formatNumber(s.min), formatNumber(s.max), formatNumber(s.mean)]);
      }
    }
    const headers = ["column", "name", "count", "nulls", ...(nan ? ["NaN"] : []), "min", "max", "mean"];
    out.push("", `column stats (${plural(r.numRows, "row")} read)`, ...table(headers, rows, headers.map((_, i) => i).slice(2)));
  }

  if (r.episodes) {
    const split = r.episodes.some((e) => !e.contiguous);
    out.push("", `episodes (${plural(r.episodes.length, "episode_index value")}, ${plural(r.episodes.reduce((n, e) => n + e.rows, 0), "row")})`);
    out.push(...table(
      ["episode", "rows", "first row", "last row", "first index", "last index", "first timestamp", "last timestamp"],
      r.episodes.map((e) => [
        `${formatNumber(e.episodeIndex)}${e.contiguous ? "" : "*"}`, String(e.rows), String(e.firstRow), String(e.lastRow),
        formatNumber(e.firstIndex), formatNumber(e.lastIndex), formatNumber(e.firstTimestamp), formatNumber(e.lastTimestamp),
      ]),
      [0, 1, 2, 3, 4, 5, 6, 7],
    ));
    if (split) out.push("  * rows of this episode are not contiguous in the file");
  }
  return out;
}

function formatSample(r: ParquetReport, width: number): string[] {
  const { start, columns, rows } = r.sample;
  if (rows.length === 0) return ["  (no rows)"];
  const cells = rows.map((row, i) => [String(start + i), ...columns.map((c) => cut(formatValue(row[c] ?? null)))]);
  const lines = table(["row", ...columns], cells, [0]);
  if (Math.max(...lines.map((l) => l.length)) <= width) return lines;
  // Too wide for the screen: one field per line.
  const nameWidth = Math.max(...columns.map((c) => c.length));
  const valueWidth = Math.max(CELL_MAX, width - nameWidth - 6);
  return rows.flatMap((row, i) => [
    `  row ${start + i}`,
    ...columns.map((c) => `    ${c.padEnd(nameWidth)}  ${cut(formatValue(row[c] ?? null), valueWidth)}`),
  ]);
}

function formatDataset(r: DatasetReport): string[] {
  const out: string[] = [r.root];
  out.push(...keyValues([
    ["codebase", r.codebaseVersion],
    ["robot", r.robotType ?? "-"],
    ["fps", String(r.fps)],
    ["episodes", String(r.totalEpisodes)],
    ["frames", `${r.totalFrames} (${formatSeconds(r.durationS)})`],
    ["tasks", String(r.tasks.length)],
  ]));

  out.push("", "tasks", ...table(["index", "task"], r.tasks.map((t) => [String(t.index), cut(t.task, 100)]), [0]));

  out.push("", "features", ...table(
    ["key", "dtype", "shape", "names"],
    r.features.map((f) => [f.key, f.dtype, `[${f.shape.join(", ")}]`, f.names ? cut(f.names.join(", "), 80) : "-"]),
  ));

  if (r.cameras.length > 0) out.push("", "cameras", ...formatCameras(r.cameras));

  out.push("", "files", ...formatFiles(r.files));

  if (r.episodes) {
    const cameraKeys = [...new Set(r.episodes.flatMap((e) => Object.keys(e.cameras)))];
    out.push("", "episodes", ...table(
      ["episode", "length", "duration", "tasks", "data file", ...cameraKeys.map(shortCamera)],
      r.episodes.map((e) => [
        String(e.episodeIndex), String(e.length), formatSeconds(e.durationS), cut(e.tasks.join("; "), 40), e.dataFile,
        ...cameraKeys.map((k) => {
          const c = e.cameras[k];
          return c ? `${c.file.replace(`videos/${k}/`, "")} ${c.fromTimestampS.toFixed(2)}-${c.toTimestampS.toFixed(2)} s` : "-";
        }),
      ]),
      [0, 1, 2],
    ));
  }
  if (r.remote) out.push("", formatTraffic(r.remote));
  return out;
}

/** `observation.images.front` -> `front`: the table is wide enough already. */
function shortCamera(key: string): string {
  return key.replace(/^observation\.images\./, "");
}

function formatCameras(cameras: CameraReport[]): string[] {
  const rows: string[][] = [];
  for (const c of cameras) {
    const declared = [
      c.key, c.storage, c.codec ?? "-", c.width !== null && c.height !== null ? `${c.width}x${c.height}` : "-",
      c.pixFmt ?? "-", c.fps === null ? "-" : formatNumber(c.fps),
    ];
    if (c.files.length === 0) rows.push([...declared, c.storage === "image" ? "(PNG in the data parquet)" : "-", ""]);
    c.files.forEach((f, i) => {
      const actual = !f.exists
        ? "missing"
        : f.probe
          ? `${f.probe.codec} ${f.probe.width}x${f.probe.height}, ${f.probe.frameCount} frames, ${formatNumber(f.probe.fps)} fps, ${f.probe.durationS.toFixed(2)} s, ${formatBytes(f.bytes ?? 0)}`
          : `unreadable: ${cut(f.error ?? "", 80)}`;
      rows.push([...(i === 0 ? declared : declared.map(() => "")), f.path, actual]);
    });
  }
  return table(["camera", "storage", "codec", "size", "pix_fmt", "fps", "file", "actual"], rows);
}

function formatFiles(files: DatasetReport["files"]): string[] {
  const groups: [string, FileGroup][] = [["data", files.data], ["videos", files.videos], ["meta", files.meta], ["other", files.other]];
  const listed: string[][] = [];
  for (const [name, group] of groups) {
    const present = group.files.filter((f) => f.exists);
    for (const f of present.slice(0, FILES_LISTED)) listed.push([f.path, formatBytes(f.bytes ?? 0)]);
    if (present.length > FILES_LISTED) listed.push([`… and ${present.length - FILES_LISTED} more ${name} files`, ""]);
    // Missing files are always listed: they are what a reader of this output needs to see.
    for (const f of group.files.filter((x) => !x.exists)) listed.push([f.path, "missing"]);
  }
  const totals = groups
    .filter(([name, g]) => name !== "other" || g.files.length > 0)
    .map(([name, g]) => [name, plural(g.count, "file"), formatBytes(g.bytes), g.missing > 0 ? `${g.missing} missing` : ""]);
  const count = groups.reduce((n, [, g]) => n + g.count, 0);
  totals.push(["total", plural(count, "file"), formatBytes(files.totalBytes), ""]);
  return [...table(["file", "size"], listed, [1]), "", ...table(["group", "files", "size", ""], totals, [1, 2])];
}
