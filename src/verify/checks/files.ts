/** Files in the dataset folder that nothing refers to (left over from a crash, an edit or a copy). */
import path from "node:path";
import type { DatasetFiles, DirEntry } from "../../dataset/index.js";
import type { VerifyContext } from "../context.js";

/** Files a dataset repository carries besides the data (Hub repos have a card and git attributes). */
const EXPECTED_EXTRAS = new Set(["README.md", ".gitattributes"]);
/** Folders that are never part of the dataset: VCS, hub caches, our own lock and staging area. */
const IGNORED_DIRS = new Set([".git", ".cache", ".huggingface", ".lerobot-ts"]);

export function checkFiles(ctx: VerifyContext): void {
  if (!ctx.info || !ctx.episodes) return;
  if (!ctx.checksEverything) {
    ctx.skipped.set("files", "--max-episodes checks only part of the dataset");
    return;
  }
  const unreferenced: string[] = [];
  walk(ctx.files, "", (rel, full, isDir) => {
    if (isDir) {
      if (rel === "images") {
        ctx.add("files.leftover_images", "images/ holds frames of a recording that was never encoded to video", { file: full });
        return false;
      }
      return !IGNORED_DIRS.has(path.basename(rel));
    }
    if (!EXPECTED_EXTRAS.has(rel) && !ctx.referenced.has(full)) unreferenced.push(full);
    return true;
  });
  for (const file of unreferenced) {
    const rel = ctx.rel(file);
    const why = rel.startsWith("data/") ? "no episode's data/chunk_index, data/file_index names it"
      : rel.startsWith("videos/") ? "no episode's videos/<key>/chunk_index, file_index names it"
      : "it is not part of the LeRobot layout";
    ctx.add("files.unreferenced", `${rel} is not used: ${why}`, { file });
  }
}

/** Depth-first walk in name order; `visit` returns false to skip a directory's contents. */
function walk(files: DatasetFiles, rel: string, visit: (rel: string, full: string, isDir: boolean) => boolean): void {
  const root = files.root;
  let entries: DirEntry[];
  try {
    entries = files.list(path.join(root, rel));
  } catch {
    return; // an unreadable folder: whatever is in it was reported by the check that needed it
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const childRel = rel ? `${rel}/${entry.name}` : entry.name;
    const full = path.join(root, childRel);
    if (entry.directory) {
      if (visit(childRel, full, true)) walk(files, childRel, visit);
    } else {
      visit(childRel, full, false);
    }
  }
}
