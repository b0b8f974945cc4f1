/**
 * Byte ranges of files in a Hub dataset repo: `GET {endpoint}/datasets/{repo}/resolve/{commit}/{path}`
 * with a Range header, following the Hub's redirect of LFS files to its CDN (fetch keeps the
 * Range header across it). Counts the body bytes received, which is what "read N bytes" reports.
 */
import { HubError } from "../hub/index.js";

export interface HubRepoAt {
  endpoint: string;
  token: string | undefined;
  repoId: string;
  /** A commit id, so every read sees the same version of the repo. */
  commit: string;
}

export class HubRangeReader {
  bytesRead = 0;
  requests = 0;

  constructor(private readonly repo: HubRepoAt) {}

  url(file: string): string {
    const { endpoint, repoId, commit } = this.repo;
    return `${endpoint}/datasets/${repoId}/resolve/${encodeURIComponent(commit)}/${file.split("/").map(encodeURIComponent).join("/")}`;
  }

  /** Bytes [start, end) of a repo file (posix path); fewer only at the end of the file. */
  async read(file: string, start: number, end: number): Promise<Uint8Array> {
    if (end <= start) return new Uint8Array(0);
    this.requests++;
    let res: Response;
    try {
      res = await fetch(this.url(file), {
        headers: { Range: `bytes=${start}-${end - 1}`, ...(this.repo.token ? { Authorization: `Bearer ${this.repo.token}` } : {}) },
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new HubError(`cannot reach ${this.repo.endpoint}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { cause: error });
    }
    if (res.status === 416) {
      await res.body?.cancel();
      return new Uint8Array(0);
    }
    if (res.status !== 206 && res.status !== 200) {
      await res.body?.cancel();
      throw new HubError(`the Hub answered ${res.status} for ${file}`);
    }
    // A server that ignores Range answers 200 with the whole file: keep only the bytes asked for.
    const skip = res.status === 200 ? start : 0;
    return this.collect(res, skip, end - start);
  }

  /** Read the body, dropping the first `skip` bytes, stopping once `length` bytes are in. */
  private async collect(res: Response, skip: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let have = 0;
    let toSkip = skip;
    const reader = res.body!.getReader();
    try {
      while (have < length) {
        const { done, value } = await reader.read();
        if (done) break;
        this.bytesRead += value.length;
        let chunk = value;
        if (toSkip > 0) {
          const dropped = Math.min(toSkip, chunk.length);
          chunk = chunk.subarray(dropped);
          toSkip -= dropped;
        }
        const take = Math.min(chunk.length, length - have);
        out.set(chunk.subarray(0, take), have);
        have += take;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    return have === length ? out : out.subarray(0, have);
  }
}
