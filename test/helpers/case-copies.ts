/** Numbered copies of one dataset folder, one per test case, so each case damages its own. */
import fs from "node:fs";
import path from "node:path";

/** Returns a function that copies `base` to `<dir>/case-<n>` (n = 1, 2, ...) and gives that folder. */
export function caseCopies(base: string, dir: string): () => string {
  let copies = 0;
  return () => {
    const root = path.join(dir, `case-${++copies}`);
    fs.cpSync(base, root, { recursive: true });
    return root;
  };
}
