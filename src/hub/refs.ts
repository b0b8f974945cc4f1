/**
 * The Hub endpoints @huggingface/hub (2.17) has no function for, as small hand-written requests:
 * list a repo's branches and tags, create and delete a tag. They follow huggingface_hub's
 * HfApi.list_repo_refs, create_tag and delete_tag:
 *   GET    {endpoint}/api/datasets/{repo_id}/refs
 *   POST   {endpoint}/api/datasets/{repo_id}/tag/{revision}   {"tag": ..., "message": ...}
 *   DELETE {endpoint}/api/datasets/{repo_id}/tag/{tag}
 */
import { HubApiError } from "@huggingface/hub";

export interface HubTarget {
  endpoint: string;
  token: string | undefined;
  repoId: string;
}

export interface RepoRefs {
  branches: { name: string; targetCommit: string }[];
  tags: { name: string; targetCommit: string }[];
}

export async function listRefs(target: HubTarget): Promise<RepoRefs> {
  const res = await hubRequest(target, "GET", `/api/datasets/${target.repoId}/refs`);
  const body = (await res.json()) as Partial<RepoRefs>;
  return { branches: body.branches ?? [], tags: body.tags ?? [] };
}

/** Tag `revision` (a branch or commit) as `tag`. */
export async function createTag(target: HubTarget, tag: string, revision: string, message?: string): Promise<void> {
  await hubRequest(target, "POST", `/api/datasets/${target.repoId}/tag/${encodeURIComponent(revision)}`, { tag, ...(message ? { message } : {}) });
}

/** Delete a tag; false when there was none. */
export async function deleteTag(target: HubTarget, tag: string): Promise<boolean> {
  try {
    await hubRequest(target, "DELETE", `/api/datasets/${target.repoId}/tag/${encodeURIComponent(tag)}`);
    return true;
  } catch (error) {
    if (error instanceof HubApiError && error.statusCode === 404) return false;
    throw error;
  }
}

/** A request with the token; a non-2xx answer throws the client's HubApiError with the Hub's message. */
async function hubRequest(target: HubTarget, method: string, pathname: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${target.endpoint}${pathname}`, {
    method,
    headers: {
      ...(target.token ? { Authorization: `Bearer ${target.token}` } : {}),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) {
    let message = `${method} ${pathname} failed with ${res.status}`;
    try {
      const text = await res.text();
      const parsed = JSON.parse(text) as { error?: string };
      if (parsed.error) message = parsed.error;
    } catch {
      // not JSON: keep the status line
    }
    throw new HubApiError(res.url, res.status, res.headers.get("X-Request-Id") ?? undefined, message);
  }
  return res;
}
