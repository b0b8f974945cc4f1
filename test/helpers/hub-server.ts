/**
 * A Hugging Face Hub stand-in for tests: an HTTP server on 127.0.0.1 that speaks the part of the
 * Hub's HTTP API that `@huggingface/hub` (the JS client) and Python's `huggingface_hub` use to
 * push and pull dataset repos. Product code talks to it exactly as to the Hub; only HF_ENDPOINT
 * (the `endpoint` below) differs.
 *
 * API (kept stable; other tests build on it):
 *
 *   const hub = await startHubServer({ token?: string, pageSize?: number, lfsThresholdBytes?: number });
 *   hub.endpoint            "http://127.0.0.1:<port>" — set HF_ENDPOINT to this
 *   hub.token               the one token it accepts (default "hf_test_token"); HF_TOKEN for tests
 *   hub.root                the temp folder holding the repos (removed by close())
 *   await hub.seedDataset("user/name", folder, { tags?: ["v3.0"], private?: false })
 *                           create the dataset repo, commit every file of `folder` on main, tag it
 *   hub.bytesServed()       file bytes sent so far: bodies of `resolve` and LFS-object responses
 *                           (what a reader of the dataset's files downloaded), not JSON API bodies
 *   hub.requests            every request so far: { method, path, query, range, status, bytes }
 *                           (`bytes` = response body bytes, any route; `range` = the Range header)
 *   hub.resetCounters()     empty `requests` and zero bytesServed()
 *   hub.failNext(route, { times?: 1, status?: 500 })
 *                           make the next `times` requests of a route fail: "commit", "preupload",
 *                           "lfs-batch", "lfs-upload", "tag", "resolve", "tree", "create"
 *   hub.readFile("user/name", "meta/info.json", "v3.0")   a committed file's bytes (or null)
 *   hub.listFiles("user/name", revision?)                 committed file paths, sorted
 *   hub.refs("user/name")    { branches: {main: oid}, tags: {"v3.0": oid} }
 *   hub.repoSettings("user/name")   { private, license } as given at creation
 *   await hub.close()
 *
 * Routes (repo type is "datasets", "models" or "spaces"; model repos have no prefix in file URLs):
 *   GET  /api/whoami-v2                                 the token's user
 *   POST /api/repos/create                              new repo with a .gitattributes commit; 409 if it exists
 *   GET  /api/{type}/{ns}/{name}[/revision/{rev}]       repo info: sha, siblings, private
 *   GET  /api/{type}/{ns}/{name}/refs                   branches and tags
 *   GET  /api/{type}/{ns}/{name}/tree/{rev}[/{path}]?recursive=&expand=&cursor=   listing, Link: rel="next"
 *   POST /api/{type}/{ns}/{name}/paths-info/{rev}       JSON or form body {paths, expand}
 *   POST /api/{type}/{ns}/{name}/preupload/{rev}        which files go to LFS
 *   POST /{type}/{ns}/{name}.git/info/lfs/objects/batch git-lfs batch, "basic" transfer only (never xet)
 *   PUT  /lfs-upload/{type}/{ns}/{name}/{oid}?sig=      the "presigned" upload URL the batch hands out
 *   POST /lfs-verify/{type}/{ns}/{name}/{oid}           the verify action
 *   POST /api/{type}/{ns}/{name}/commit/{rev}           ndjson: header, file, lfsFile, deletedFile, deletedFolder
 *   POST /api/{type}/{ns}/{name}/tag/{rev}              {tag, message}; 409 if the tag exists
 *   DELETE /api/{type}/{ns}/{name}/tag/{tag}
 *   GET|HEAD /{type}/{ns}/{name}/resolve/{rev}/{path}   regular files: 200/206 with ETag (git blob oid),
 *                                                       X-Repo-Commit, Content-Length, Accept-Ranges;
 *                                                       LFS files: 302 to /lfs-objects/... with
 *                                                       X-Linked-Size, X-Linked-Etag, X-Repo-Commit
 *   GET|HEAD /lfs-objects/{type}/{ns}/{name}/{sha256}   the LFS content, with Range (no token: a "CDN" URL)
 * Tokens: a request with a wrong token gets 401 on every route; writes need the right token; private
 * repos answer 404 (RepoNotFound) without it, as the Hub does. Errors carry X-Error-Code and
 * {"error": "..."} like the Hub's.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

export type HubRoute = "commit" | "preupload" | "lfs-batch" | "lfs-upload" | "tag" | "resolve" | "tree" | "create";

export interface HubRequest {
  method: string;
  /** URL path, percent-decoded. */
  path: string;
  query: string;
  /** The Range header as sent, if any. */
  range: string | undefined;
  status: number;
  /** Response body bytes. */
  bytes: number;
}

export interface HubServer {
  endpoint: string;
  token: string;
  root: string;
  requests: HubRequest[];
  bytesServed(): number;
  resetCounters(): void;
  failNext(route: HubRoute, options?: { times?: number; status?: number }): void;
  seedDataset(repoId: string, folder: string, options?: { tags?: string[]; private?: boolean }): Promise<void>;
  readFile(repoId: string, filePath: string, revision?: string, type?: RepoType): Promise<Buffer | null>;
  listFiles(repoId: string, revision?: string, type?: RepoType): Promise<string[]>;
  refs(repoId: string, type?: RepoType): Promise<{ branches: Record<string, string>; tags: Record<string, string> }>;
  repoSettings(repoId: string, type?: RepoType): Promise<{ private: boolean; license: string | undefined }>;
  close(): Promise<void>;
}

export interface HubServerOptions {
  /** The token the server accepts (default "hf_test_token"). */
  token?: string;
  /** Entries per tree page before a Link: rel="next" (the Hub uses 1000 for non-expanded listings). */
  pageSize?: number;
  /** Files at least this big go to LFS even when their name and content would not (the Hub's is 10 MB). */
  lfsThresholdBytes?: number;
}

type RepoType = "datasets" | "models" | "spaces";

interface FileEntry {
  /** Git blob oid (sha1) of what git stores: the content, or the LFS pointer. */
  oid: string;
  size: number;
  /** sha256 of the content; the object store key for every file. */
  sha256: string;
  lfs: boolean;
}

interface CommitRecord {
  id: string;
  parents: string[];
  title: string;
  message: string;
  date: string;
  files: Record<string, FileEntry>;
}

interface RepoRecord {
  type: RepoType;
  id: string;
  private: boolean;
  license: string | undefined;
  createdAt: string;
  branches: Record<string, string>;
  tags: Record<string, string>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly code?: string) {
    super(message);
  }
}

/** The patterns the Hub writes into a new repo's .gitattributes (a subset: the ones datasets hit). */
const LFS_EXTENSIONS = [
  ".parquet", ".arrow", ".mp4", ".avi", ".mkv", ".webm", ".png", ".jpg", ".jpeg", ".webp", ".npy", ".npz",
  ".bin", ".pt", ".pth", ".safetensors", ".h5", ".zip", ".tar", ".gz", ".zst", ".lz4", ".wav", ".mp3", ".flac",
];
const DEFAULT_GITATTRIBUTES = LFS_EXTENSIONS.map((e) => `*${e} filter=lfs diff=lfs merge=lfs -text`).join("\n") + "\n";

export async function startHubServer(options: HubServerOptions = {}): Promise<HubServer> {
  const token = options.token ?? "hf_test_token";
  const pageSize = options.pageSize ?? 1000;
  const lfsThreshold = options.lfsThresholdBytes ?? 10 * 1024 * 1024;
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "hub-server-"));
  const requests: HubRequest[] = [];
  let fileBytes = 0;
  const failures = new Map<HubRoute, { times: number; status: number }>();
  /** Upload URLs handed out by the LFS batch: oid -> signature. */
  const uploadSignatures = new Map<string, string>();
  let endpoint = "";

  // ---------- storage: one folder per repo, a JSON file per commit, content-addressed objects ----------
  const repoDir = (type: RepoType, id: string): string => path.join(root, "repos", type, id);
  async function readRepo(type: RepoType, id: string): Promise<RepoRecord | null> {
    try {
      return JSON.parse(await fs.readFile(path.join(repoDir(type, id), "repo.json"), "utf8")) as RepoRecord;
    } catch {
      return null;
    }
  }
  async function writeRepo(repo: RepoRecord): Promise<void> {
    await fs.mkdir(path.join(repoDir(repo.type, repo.id), "commits"), { recursive: true });
    await fs.writeFile(path.join(repoDir(repo.type, repo.id), "repo.json"), JSON.stringify(repo, null, 2));
  }
  async function readCommit(repo: RepoRecord, oid: string): Promise<CommitRecord | null> {
    if (!/^[0-9a-f]{40}$/.test(oid)) return null;
    try {
      return JSON.parse(await fs.readFile(path.join(repoDir(repo.type, repo.id), "commits", `${oid}.json`), "utf8")) as CommitRecord;
    } catch {
      return null;
    }
  }
  async function writeCommit(repo: RepoRecord, commit: Omit<CommitRecord, "id">): Promise<CommitRecord> {
    const id = createHash("sha1").update(JSON.stringify(commit)).update(randomBytes(8)).digest("hex");
    const record = { id, ...commit };
    await fs.writeFile(path.join(repoDir(repo.type, repo.id), "commits", `${id}.json`), JSON.stringify(record));
    return record;
  }
  // Objects are kept per repo: an LFS object another repo holds still has to be uploaded, as on the Hub.
  async function storeObject(repo: RepoRecord, content: Buffer): Promise<string> {
    const sha256 = createHash("sha256").update(content).digest("hex");
    const file = objectPath(repo, sha256);
    if (!(await exists(file))) {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(`${file}.tmp`, content);
      await fs.rename(`${file}.tmp`, file);
    }
    return sha256;
  }
  const objectPath = (repo: RepoRecord, sha256: string): string => path.join(repoDir(repo.type, repo.id), "objects", sha256);
  const repoUrlPart = (repo: RepoRecord): string => `${repo.type}/${repo.id}`;

  /** A branch, tag or commit id to its commit; null if none. */
  async function resolveRevision(repo: RepoRecord, revision: string): Promise<CommitRecord | null> {
    const oid = repo.branches[revision] ?? repo.tags[revision] ?? revision.replace(/^refs\/(heads|tags)\//, "");
    const named = repo.branches[oid] ?? repo.tags[oid] ?? oid;
    return readCommit(repo, named);
  }

  function isLfs(filePath: string, size: number, sample: Buffer): boolean {
    // The Hub sends to LFS what .gitattributes tracks, what is big, and what looks binary.
    return LFS_EXTENSIONS.some((e) => filePath.toLowerCase().endsWith(e)) || size >= lfsThreshold || sample.includes(0);
  }

  function entryFor(content: Buffer, filePath: string, sha256: string): FileEntry {
    const lfs = isLfs(filePath, content.length, content.subarray(0, 512));
    const stored = lfs ? lfsPointer(sha256, content.length) : content;
    return { oid: gitBlobOid(stored), size: content.length, sha256, lfs };
  }

  async function createRepo(type: RepoType, id: string, isPrivate: boolean, license: string | undefined): Promise<RepoRecord> {
    const repo: RepoRecord = {
      type, id, private: isPrivate, license, createdAt: new Date().toISOString(), branches: {}, tags: {},
    };
    await writeRepo(repo);
    const attributes = Buffer.from(DEFAULT_GITATTRIBUTES);
    const sha = await storeObject(repo, attributes);
    const commit = await writeCommit(repo, {
      parents: [], title: "initial commit", message: "", date: new Date().toISOString(),
      files: { ".gitattributes": { oid: gitBlobOid(attributes), size: attributes.length, sha256: sha, lfs: false } },
    });
    repo.branches.main = commit.id;
    await writeRepo(repo);
    return repo;
  }

  // ---------- HTTP ----------
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const record: HubRequest = {
      method: req.method ?? "GET", path: safeDecode(url.pathname), query: url.search, range: req.headers.range, status: 0, bytes: 0,
    };
    requests.push(record);
    const countBody = (chunk: unknown, isFile: boolean): void => {
      const n = typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk instanceof Uint8Array ? chunk.length : 0;
      record.bytes += n;
      if (isFile) fileBytes += n;
    };
    // Count what is actually written, so a client that stops reading early is not overcounted.
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
    let fileBody = false;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      countBody(chunk, fileBody);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((...args: unknown[]) => {
      if (args.length > 0 && typeof args[0] !== "function") countBody(args[0], fileBody);
      return end(...args);
    }) as typeof res.end;
    const markFileBody = (): void => {
      fileBody = true;
    };
    handle(req, res, url, markFileBody)
      .catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const status = error instanceof HttpError ? error.status : 500;
        const message = error instanceof Error ? error.message : String(error);
        const headers: Record<string, string> = { "Content-Type": "application/json" };
        if (error instanceof HttpError && error.code) headers["X-Error-Code"] = error.code;
        headers["X-Error-Message"] = message.replace(/[^\x20-\x7e]/g, "?");
        res.writeHead(status, headers);
        res.end(JSON.stringify({ error: message }));
      })
      .finally(() => {
        record.status = res.statusCode;
      });
    res.on("finish", () => (record.status = res.statusCode));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, markFileBody: () => void): Promise<void> {
    const method = req.method ?? "GET";
    const p = url.pathname;
    const auth = checkToken(req);

    let m: RegExpMatchArray | null;
    if (p === "/api/whoami-v2" && method === "GET") {
      if (auth !== "valid") throw new HttpError(401, "Invalid credentials in Authorization header");
      return json(res, 200, {
        type: "user", id: "0001", name: "test-user", fullname: "Test User", email: "test@example.com",
        emailVerified: true, canPay: false, isPro: false, periodEnd: null, avatarUrl: "", orgs: [],
        auth: { type: "access_token", accessToken: { displayName: "test", role: "write", createdAt: "2025-01-01T00:00:00.000Z" } },
      });
    }
    if (p === "/api/repos/create" && method === "POST") {
      requireWrite(auth);
      failIfAsked("create");
      const body = JSON.parse((await readBody(req)).toString("utf8") || "{}") as {
        name?: string; organization?: string; type?: string; private?: boolean; visibility?: string; license?: string;
      };
      const type = (body.type ? `${body.type}s` : "models") as RepoType;
      if (!body.name || !isRepoType(type)) throw new HttpError(400, "bad create request");
      const id = `${body.organization ?? "test-user"}/${body.name}`;
      const prefix = type === "models" ? "" : `${type}/`;
      if (await readRepo(type, id)) {
        return json(res, 409, { error: `You already created this ${type.slice(0, -1)} repo`, url: `${endpoint}/${prefix}${id}` });
      }
      const isPrivate = body.visibility ? body.visibility === "private" : Boolean(body.private);
      await createRepo(type, id, isPrivate, body.license);
      return json(res, 200, { url: `${endpoint}/${prefix}${id}`, name: id, id: randomBytes(12).toString("hex") });
    }
    if ((m = p.match(/^\/lfs-upload\/(datasets|models|spaces)\/([^/]+\/[^/]+)\/([0-9a-f]{64})$/)) && method === "PUT") {
      failIfAsked("lfs-upload");
      const repo = await readRepo(m[1] as RepoType, safeDecode(m[2]!));
      const oid = m[3]!;
      if (!repo || uploadSignatures.get(`${repoUrlPart(repo)}/${oid}`) !== url.searchParams.get("sig")) {
        throw new HttpError(403, "bad or expired upload signature");
      }
      const body = await readBody(req);
      const sha = createHash("sha256").update(body).digest("hex");
      if (sha !== oid) throw new HttpError(400, `uploaded content has sha256 ${sha}, expected ${oid}`);
      await storeObject(repo, body);
      res.writeHead(200, { ETag: `"${createHash("md5").update(body).digest("hex")}"` });
      res.end();
      return;
    }
    if ((m = p.match(/^\/lfs-verify\/(datasets|models|spaces)\/([^/]+\/[^/]+)\/([0-9a-f]{64})$/)) && method === "POST") {
      await readBody(req);
      const repo = await readRepo(m[1] as RepoType, safeDecode(m[2]!));
      if (!repo || !(await exists(objectPath(repo, m[3]!)))) throw new HttpError(404, "object not uploaded");
      return json(res, 200, { success: true });
    }
    if ((m = p.match(/^\/lfs-objects\/(datasets|models|spaces)\/([^/]+\/[^/]+)\/([0-9a-f]{64})$/)) && (method === "GET" || method === "HEAD")) {
      failIfAsked("resolve");
      // Like a presigned CDN URL: no token needed, the URL itself is the permission.
      const repo = await readRepo(m[1] as RepoType, safeDecode(m[2]!));
      const sha = m[3]!;
      const file = repo ? objectPath(repo, sha) : "";
      if (!repo || !(await exists(file))) throw new HttpError(404, "no such object");
      const size = (await fs.stat(file)).size;
      return sendFile(req, res, file, size, { ETag: `"${sha}"`, "Content-Type": "application/octet-stream" }, markFileBody);
    }
    if ((m = p.match(/^\/(?:(datasets|spaces)\/)?([^/]+\/[^/]+?)\.git\/info\/lfs\/objects\/batch$/)) && method === "POST") {
      failIfAsked("lfs-batch");
      const type = (m[1] ?? "models") as RepoType;
      const repo = await readRepo(type, m[2]!);
      if (!repo) throw new HttpError(404, "Repository not found", "RepoNotFound");
      requireWrite(auth);
      const body = JSON.parse((await readBody(req)).toString("utf8")) as {
        operation: string; transfers?: string[]; objects: { oid: string; size: number }[];
      };
      if (body.operation !== "upload") throw new HttpError(400, "only upload batches are supported");
      const objects = [];
      for (const object of body.objects) {
        const file = objectPath(repo, object.oid);
        if (await exists(file)) {
          // Already stored (an earlier, interrupted push sent it): no upload action, as git-lfs servers do.
          objects.push({ oid: object.oid, size: object.size });
          continue;
        }
        const sig = randomBytes(8).toString("hex");
        uploadSignatures.set(`${repoUrlPart(repo)}/${object.oid}`, sig);
        objects.push({
          oid: object.oid, size: object.size, authenticated: true,
          actions: {
            upload: { href: `${endpoint}/lfs-upload/${repoUrlPart(repo)}/${object.oid}?sig=${sig}`, header: {}, expires_in: 3600 },
            verify: { href: `${endpoint}/lfs-verify/${repoUrlPart(repo)}/${object.oid}`, header: {}, expires_in: 3600 },
          },
        });
      }
      res.writeHead(200, { "Content-Type": "application/vnd.git-lfs+json", "X-Request-Id": randomBytes(6).toString("hex") });
      res.end(JSON.stringify({ transfer: "basic", objects }));
      return;
    }
    if ((m = p.match(/^\/api\/(datasets|models|spaces)\/([^/]+\/[^/]+)(\/.*)?$/))) {
      const type = m[1] as RepoType;
      const repoId = safeDecode(m[2]!);
      const rest = m[3] ?? "";
      return api(req, res, url, auth, type, repoId, rest, method);
    }
    if ((m = p.match(/^\/(?:(datasets|spaces)\/)?([^/]+\/[^/]+)\/(resolve|raw)\/([^/]+)\/(.+)$/)) && (method === "GET" || method === "HEAD")) {
      failIfAsked("resolve");
      const type = (m[1] ?? "models") as RepoType;
      const repo = await readableRepo(type, safeDecode(m[2]!), auth);
      const revision = safeDecode(m[4]!);
      const filePath = safeDecode(m[5]!);
      const commit = await resolveRevision(repo, revision);
      if (!commit) throw new HttpError(404, `Invalid rev id: ${revision}`, "RevisionNotFound");
      const entry = commit.files[filePath];
      if (!entry) throw new HttpError(404, `Entry not found: ${filePath}`, "EntryNotFound");
      const common = { "X-Repo-Commit": commit.id, "Access-Control-Expose-Headers": "*" };
      if (entry.lfs && m[3] === "resolve") {
        res.writeHead(302, {
          ...common,
          Location: `${endpoint}/lfs-objects/${repoUrlPart(repo)}/${entry.sha256}`,
          ETag: `"${entry.sha256}"`,
          "X-Linked-Size": String(entry.size),
          "X-Linked-Etag": `"${entry.sha256}"`,
          "Content-Length": "0",
        });
        res.end();
        return;
      }
      const content = entry.lfs ? Buffer.from(lfsPointer(entry.sha256, entry.size)) : null;
      if (content) {
        res.writeHead(200, { ...common, ETag: `"${entry.oid}"`, "Content-Length": String(content.length), "Content-Type": "text/plain" });
        res.end(method === "HEAD" ? undefined : content);
        return;
      }
      return sendFile(req, res, objectPath(repo, entry.sha256), entry.size, { ...common, ETag: `"${entry.oid}"`, "Content-Type": contentType(filePath) }, markFileBody);
    }
    throw new HttpError(404, `no route for ${method} ${p}`);
  }

  async function api(
    req: http.IncomingMessage, res: http.ServerResponse, url: URL, auth: Auth, type: RepoType, repoId: string, rest: string, method: string,
  ): Promise<void> {
    let m: RegExpMatchArray | null;
    if ((rest === "" || (m = rest.match(/^\/revision\/(.+)$/))) && method === "GET") {
      const repo = await readableRepo(type, repoId, auth);
      const revision = rest === "" ? "main" : safeDecode(m![1]!);
      const commit = await resolveRevision(repo, revision);
      if (!commit) throw new HttpError(404, `Invalid rev id: ${revision}`, "RevisionNotFound");
      return json(res, 200, {
        _id: createHash("md5").update(repo.id).digest("hex").slice(0, 24), id: repo.id, author: repo.id.split("/")[0],
        sha: commit.id, lastModified: commit.date, createdAt: repo.createdAt, private: repo.private, gated: false, disabled: false,
        tags: repo.license ? [`license:${repo.license}`] : [], downloads: 0, likes: 0,
        siblings: Object.keys(commit.files).sort().map((rfilename) => ({ rfilename })),
        cardData: {},
      });
    }
    if (rest === "/refs" && method === "GET") {
      const repo = await readableRepo(type, repoId, auth);
      const refList = (refs: Record<string, string>, kind: string): unknown[] =>
        Object.entries(refs).map(([name, targetCommit]) => ({ name, ref: `refs/${kind}/${name}`, targetCommit }));
      return json(res, 200, { branches: refList(repo.branches, "heads"), tags: refList(repo.tags, "tags"), converts: [] });
    }
    if ((m = rest.match(/^\/tree\/([^/]+)(?:\/(.*))?$/)) && method === "GET") {
      failIfAsked("tree");
      const repo = await readableRepo(type, repoId, auth);
      const revision = safeDecode(m[1]!);
      const commit = await resolveRevision(repo, revision);
      if (!commit) throw new HttpError(404, `Invalid rev id: ${revision}`, "RevisionNotFound");
      const folder = safeDecode(m[2] ?? "").replace(/\/+$/, "");
      const recursive = url.searchParams.get("recursive") === "true" || url.searchParams.get("recursive") === "1";
      const expand = url.searchParams.get("expand") === "true" || url.searchParams.get("expand") === "1";
      const entries = treeEntries(commit, folder, recursive);
      if (folder !== "" && entries.length === 0 && !commit.files[folder]) {
        throw new HttpError(404, `Entry not found: ${folder}`, "EntryNotFound");
      }
      const start = Number(url.searchParams.get("cursor") ?? "0");
      const page = entries.slice(start, start + pageSize);
      const headers: Record<string, string> = {};
      if (start + pageSize < entries.length) {
        const next = new URL(url.pathname + url.search, endpoint);
        next.searchParams.set("cursor", String(start + pageSize));
        headers.Link = `<${next.toString()}>; rel="next"`;
      }
      return json(res, 200, page.map((e) => treeItem(commit, e, expand)), headers);
    }
    if ((m = rest.match(/^\/paths-info\/([^/]+)$/)) && method === "POST") {
      const repo = await readableRepo(type, repoId, auth);
      const revision = safeDecode(m[1]!);
      const commit = await resolveRevision(repo, revision);
      if (!commit) throw new HttpError(404, `Invalid rev id: ${revision}`, "RevisionNotFound");
      const { paths, expand } = parsePathsInfoBody(req.headers["content-type"], await readBody(req));
      const items = [];
      for (const wanted of paths) {
        const clean = wanted.replace(/\/+$/, "");
        if (commit.files[clean]) items.push(treeItem(commit, { path: clean, type: "file" }, expand));
        else if (Object.keys(commit.files).some((f) => f.startsWith(`${clean}/`))) items.push(treeItem(commit, { path: clean, type: "directory" }, expand));
      }
      return json(res, 200, items);
    }
    if ((m = rest.match(/^\/preupload\/([^/]+)$/)) && method === "POST") {
      failIfAsked("preupload");
      const repo = await writableRepo(type, repoId, auth);
      const body = JSON.parse((await readBody(req)).toString("utf8")) as { files: { path: string; size: number; sample: string }[] };
      const commit = await resolveRevision(repo, safeDecode(m[1]!));
      return json(res, 200, {
        files: body.files.map((f) => {
          const uploadMode = isLfs(f.path, f.size, Buffer.from(f.sample, "base64")) ? "lfs" : "regular";
          const existing = commit?.files[f.path];
          return { path: f.path, uploadMode, shouldIgnore: false, ...(existing ? { oid: existing.oid } : {}) };
        }),
      });
    }
    if ((m = rest.match(/^\/commit\/([^/]+)$/)) && method === "POST") {
      const repo = await writableRepo(type, repoId, auth);
      const body = (await readBody(req)).toString("utf8");
      failIfAsked("commit");
      const branch = safeDecode(m[1]!);
      return commitNdjson(res, repo, branch, body);
    }
    if ((m = rest.match(/^\/tag\/([^/]+)$/)) && method === "POST") {
      failIfAsked("tag");
      const repo = await writableRepo(type, repoId, auth);
      const body = JSON.parse((await readBody(req)).toString("utf8") || "{}") as { tag?: string; message?: string };
      const revision = safeDecode(m[1]!);
      const commit = await resolveRevision(repo, revision);
      if (!commit) throw new HttpError(404, `Invalid rev id: ${revision}`, "RevisionNotFound");
      if (!body.tag) throw new HttpError(400, "tag is required");
      if (repo.tags[body.tag]) throw new HttpError(409, `Tag ${body.tag} already exists`);
      repo.tags[body.tag] = commit.id;
      await writeRepo(repo);
      return json(res, 200, { success: true });
    }
    if ((m = rest.match(/^\/tag\/([^/]+)$/)) && method === "DELETE") {
      failIfAsked("tag");
      const repo = await writableRepo(type, repoId, auth);
      const tag = safeDecode(m[1]!);
      if (!repo.tags[tag]) throw new HttpError(404, `Invalid rev id: ${tag}`, "RevisionNotFound");
      delete repo.tags[tag];
      await writeRepo(repo);
      return json(res, 200, { success: true });
    }
    throw new HttpError(404, `no route for ${method} /api/${type}/${repoId}${rest}`);
  }

  async function commitNdjson(res: http.ServerResponse, repo: RepoRecord, branch: string, body: string): Promise<void> {
    const parentId = repo.branches[branch];
    const parent = parentId ? await readCommit(repo, parentId) : null;
    if (!parent) throw new HttpError(404, `Invalid rev id: ${branch}`, "RevisionNotFound");
    const files = { ...parent.files };
    let title = "";
    let message = "";
    for (const line of body.split("\n")) {
      if (!line.trim()) continue;
      const op = JSON.parse(line) as { key: string; value: Record<string, unknown> };
      const value = op.value;
      if (op.key === "header") {
        title = String(value.summary ?? "");
        message = String(value.description ?? "");
        if (value.parentCommit && value.parentCommit !== parent.id) {
          throw new HttpError(412, `A commit has happened since ${String(value.parentCommit)}`);
        }
      } else if (op.key === "file") {
        const content = Buffer.from(String(value.content ?? ""), value.encoding === "base64" ? "base64" : "utf8");
        const filePath = checkPath(value.path);
        const sha = await storeObject(repo, content);
        files[filePath] = entryFor(content, filePath, sha);
      } else if (op.key === "lfsFile") {
        const filePath = checkPath(value.path);
        const oid = String(value.oid);
        const size = Number(value.size);
        const object = objectPath(repo, oid);
        if (!(await exists(object))) throw new HttpError(422, `LFS object ${oid} for ${filePath} was never uploaded`);
        if ((await fs.stat(object)).size !== size) throw new HttpError(422, `LFS object ${oid} has another size than ${size}`);
        files[filePath] = { oid: gitBlobOid(lfsPointer(oid, size)), size, sha256: oid, lfs: true };
      } else if (op.key === "deletedFile") {
        delete files[checkPath(value.path)];
      } else if (op.key === "deletedFolder") {
        const folder = checkPath(value.path).replace(/\/+$/, "");
        for (const f of Object.keys(files)) if (f.startsWith(`${folder}/`)) delete files[f];
      } else {
        throw new HttpError(400, `unknown commit operation ${op.key}`);
      }
    }
    if (!title) throw new HttpError(400, "commit summary is required");
    const commit = await writeCommit(repo, { parents: [parent.id], title, message, date: new Date().toISOString(), files });
    repo.branches[branch] = commit.id;
    await writeRepo(repo);
    const prefix = repo.type === "models" ? "" : `${repo.type}/`;
    return json(res, 200, {
      success: true, commitOid: commit.id, commitUrl: `${endpoint}/${prefix}${repo.id}/commit/${commit.id}`, hookOutput: "",
    });
  }

  function treeEntries(commit: CommitRecord, folder: string, recursive: boolean): { path: string; type: "file" | "directory" }[] {
    const prefix = folder ? `${folder}/` : "";
    const out = new Map<string, "file" | "directory">();
    for (const file of Object.keys(commit.files)) {
      if (!file.startsWith(prefix)) continue;
      const parts = file.slice(prefix.length).split("/");
      const depth = recursive ? parts.length : 1;
      for (let i = 1; i <= depth; i++) {
        const sub = prefix + parts.slice(0, i).join("/");
        out.set(sub, i === parts.length ? "file" : "directory");
      }
    }
    return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([p, t]) => ({ path: p, type: t }));
  }

  function treeItem(commit: CommitRecord, e: { path: string; type: "file" | "directory" }, expand: boolean): Record<string, unknown> {
    if (e.type === "directory") {
      return { type: "directory", oid: createHash("sha1").update(`${commit.id}:${e.path}`).digest("hex"), size: 0, path: e.path };
    }
    const entry = commit.files[e.path]!;
    const item: Record<string, unknown> = { type: "file", oid: entry.oid, size: entry.size, path: e.path };
    if (entry.lfs) item.lfs = { oid: entry.sha256, size: entry.size, pointerSize: Buffer.byteLength(lfsPointer(entry.sha256, entry.size)) };
    if (expand) {
      item.lastCommit = { id: commit.id, title: commit.title, date: commit.date };
      item.securityFileStatus = { status: "safe" };
    }
    return item;
  }

  // ---------- auth ----------
  type Auth = "none" | "valid";
  function checkToken(req: http.IncomingMessage): Auth {
    const header = req.headers.authorization;
    if (!header) return "none";
    const given = header.replace(/^Bearer\s+/i, "");
    // The Hub refuses a wrong token outright, even for public reads.
    if (given !== token) throw new HttpError(401, "Invalid credentials in Authorization header");
    return "valid";
  }
  function requireWrite(auth: Auth): void {
    if (auth !== "valid") throw new HttpError(401, "You must be authenticated to perform this action");
  }
  async function readableRepo(type: RepoType, id: string, auth: Auth): Promise<RepoRecord> {
    const repo = await readRepo(type, id);
    // A private repo is indistinguishable from a missing one without the token, as on the Hub.
    if (!repo || (repo.private && auth !== "valid")) throw new HttpError(404, "Repository not found", "RepoNotFound");
    return repo;
  }
  async function writableRepo(type: RepoType, id: string, auth: Auth): Promise<RepoRecord> {
    requireWrite(auth);
    return readableRepo(type, id, auth);
  }

  function failIfAsked(route: HubRoute): void {
    const failure = failures.get(route);
    if (!failure || failure.times <= 0) return;
    failure.times -= 1;
    throw new HttpError(failure.status, `test hub: ${route} failed on purpose`);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function repoIdParts(repoId: string): string {
    if (!/^[^/\s]+\/[^/\s]+$/.test(repoId)) throw new Error(`repo id ${repoId} is not namespace/name`);
    return repoId;
  }

  return {
    endpoint,
    token,
    root,
    requests,
    bytesServed: () => fileBytes,
    resetCounters: () => {
      requests.length = 0;
      fileBytes = 0;
    },
    failNext: (route, opts = {}) => failures.set(route, { times: opts.times ?? 1, status: opts.status ?? 500 }),
    async seedDataset(repoId, folder, opts = {}) {
      const id = repoIdParts(repoId);
      const repo = (await readRepo("datasets", id)) ?? (await createRepo("datasets", id, opts.private ?? false, undefined));
      const parent = (await readCommit(repo, repo.branches.main!))!;
      const files = { ...parent.files };
      for (const rel of await walk(folder)) {
        const content = await fs.readFile(path.join(folder, rel));
        files[rel] = entryFor(content, rel, await storeObject(repo, content));
      }
      const commit = await writeCommit(repo, { parents: [parent.id], title: "Seed", message: "", date: new Date().toISOString(), files });
      repo.branches.main = commit.id;
      for (const tag of opts.tags ?? []) repo.tags[tag] = commit.id;
      await writeRepo(repo);
    },
    async readFile(repoId, filePath, revision = "main", type = "datasets") {
      const repo = await readRepo(type, repoId);
      const commit = repo && (await resolveRevision(repo, revision));
      const entry = commit?.files[filePath];
      return entry && repo ? fs.readFile(objectPath(repo, entry.sha256)) : null;
    },
    async listFiles(repoId, revision = "main", type = "datasets") {
      const repo = await readRepo(type, repoId);
      const commit = repo && (await resolveRevision(repo, revision));
      return commit ? Object.keys(commit.files).sort() : [];
    },
    async refs(repoId, type = "datasets") {
      const repo = await readRepo(type, repoId);
      if (!repo) throw new Error(`no repo ${repoId}`);
      return { branches: { ...repo.branches }, tags: { ...repo.tags } };
    },
    async repoSettings(repoId, type = "datasets") {
      const repo = await readRepo(type, repoId);
      if (!repo) throw new Error(`no repo ${repoId}`);
      return { private: repo.private, license: repo.license };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

// ---------- helpers ----------

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Serve a file with single-range support, as the Hub's storage (S3/CloudFront) does. */
function sendFile(
  req: http.IncomingMessage, res: http.ServerResponse, file: string, size: number, headers: Record<string, string>, markFileBody: () => void,
): Promise<void> {
  const range = parseRange(req.headers.range, size);
  const base = { ...headers, "Accept-Ranges": "bytes" };
  if (range === "unsatisfiable") {
    res.writeHead(416, { ...base, "Content-Range": `bytes */${size}` });
    res.end();
    return Promise.resolve();
  }
  const [start, end] = range ?? [0, size - 1];
  const length = size === 0 ? 0 : end - start + 1;
  res.writeHead(range ? 206 : 200, {
    ...base,
    "Content-Length": String(length),
    ...(range ? { "Content-Range": `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === "HEAD" || length === 0) {
    res.end();
    return Promise.resolve();
  }
  markFileBody();
  return new Promise((resolve, reject) => {
    const stream = createReadStream(file, { start, end });
    stream.on("error", reject);
    res.on("close", () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; several ranges are answered with the whole file (allowed by RFC 9110). */
export function parseRange(header: string | undefined, size: number): [number, number] | "unsatisfiable" | null {
  if (!header) return null;
  const m = header.match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === "" && m[2] === "")) return null;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return [start, end];
}

function lfsPointer(sha256: string, size: number): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
}

function gitBlobOid(content: Buffer | string): string {
  const buffer = typeof content === "string" ? Buffer.from(content) : content;
  return createHash("sha1").update(`blob ${buffer.length}\0`).update(buffer).digest("hex");
}

function parsePathsInfoBody(contentType: string | undefined, body: Buffer): { paths: string[]; expand: boolean } {
  const text = body.toString("utf8");
  if (contentType?.includes("application/json")) {
    const parsed = JSON.parse(text) as { paths?: string[] | string; expand?: boolean | string };
    const paths = Array.isArray(parsed.paths) ? parsed.paths : parsed.paths ? [parsed.paths] : [];
    return { paths, expand: parsed.expand === true || parsed.expand === "true" };
  }
  // huggingface_hub (Python) posts a form: paths=a&paths=b&expand=True
  const form = new URLSearchParams(text);
  return { paths: form.getAll("paths"), expand: /^(true|1)$/i.test(form.get("expand") ?? "") };
}

function checkPath(value: unknown): string {
  const p = String(value ?? "");
  if (!p || p.startsWith("/") || p.split("/").some((s) => s === ".." || s === "")) throw new HttpError(400, `invalid path ${p}`);
  return p;
}

function contentType(filePath: string): string {
  if (filePath.endsWith(".json")) return "application/json";
  if (filePath.endsWith(".md") || filePath.endsWith(".txt") || filePath === ".gitattributes") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

function isRepoType(type: string): type is RepoType {
  return type === "datasets" || type === "models" || type === "spaces";
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/** Every file under `folder`, as posix paths relative to it, sorted. */
async function walk(folder: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(path.join(folder, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await walk(folder, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}
