/** One hash of every file's path and bytes under a folder: equal before and after means the folder was not touched. */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export function folderHash(root: string): string {
  const hash = crypto.createHash("sha256");
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      hash.update(path.relative(root, full));
      if (fs.statSync(full).isDirectory()) walk(full);
      else hash.update(fs.readFileSync(full));
    }
  };
  walk(root);
  return hash.digest("hex");
}
