/**
 * Which revision of a dataset repo to read, as LeRobot chooses it (lerobot/datasets/utils.py
 * get_safe_version): the branches and tags that parse as versions; `v3.0` if present, else the
 * newest with the same major version and a minor version not above 0. A repo with only older
 * versions (v2.1) must be converted; one with only newer versions needs a newer reader. A repo
 * with no version tag at all, which LeRobot refuses, is read at main here, with a note.
 */
import { CODEBASE_VERSION } from "../dataset/index.js";
import { HubError } from "./errors.js";
import type { RepoRefs } from "./refs.js";

export interface RevisionChoice {
  revision: string;
  /** Set when the choice is a fallback the user should know about. */
  note?: string;
}

interface Version {
  ref: string;
  parts: [number, number, number];
}

/** packaging.version.parse for the forms version tags take: v3.0, 3.0, v3.0.1, v3. */
export function parseVersion(ref: string): [number, number, number] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(ref);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

export function chooseRevision(repoId: string, refs: RepoRefs, wanted = CODEBASE_VERSION): RevisionChoice {
  const target = parseVersion(wanted)!;
  const versions: Version[] = [];
  for (const ref of [...refs.branches, ...refs.tags]) {
    const parts = parseVersion(ref.name);
    if (parts) versions.push({ ref: ref.name, parts });
  }
  if (versions.length === 0) {
    return { revision: "main", note: `${repoId} has no ${wanted} tag (LeRobot refuses to load it without one; \`lerobot-ts push\` creates it): reading main` };
  }
  const exact = versions.find((v) => compare(v.parts, target) === 0);
  if (exact) return { revision: exact.ref };
  const compatible = versions.filter((v) => v.parts[0] === target[0] && v.parts[1] <= target[1]).sort((a, b) => compare(b.parts, a.parts));
  if (compatible[0]) return { revision: compatible[0].ref };
  const older = versions.filter((v) => v.parts[0] < target[0]).sort((a, b) => compare(b.parts, a.parts));
  if (older[0]) {
    throw new HubError(`${repoId} is a LeRobot ${older[0].ref} dataset (no ${wanted} revision): download it with --revision=${older[0].ref} and convert it with \`lerobot-ts convert\``);
  }
  const newer = versions.sort((a, b) => compare(a.parts, b.parts));
  throw new HubError(`${repoId} has only newer dataset versions (${newer.map((v) => v.ref).join(", ")}) than ${wanted}, which this lerobot-ts reads`);
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}
