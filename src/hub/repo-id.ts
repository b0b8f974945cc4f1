/** Hub repo ids: `namespace/name`, as huggingface_hub's validate_repo_id accepts them. */
import { HubError } from "./errors.js";

const REPO_ID = /^[\w.-]{1,96}\/[\w.-]{1,96}$/;

/** True for text that can name a Hub repo (and so may be fetched when no local folder has it). */
export function isRepoId(text: string): boolean {
  return REPO_ID.test(text) && !/--|\.\./.test(text) && !text.split("/").some((part) => /^[-.]|[-.]$/.test(part));
}

export function checkRepoId(text: string): string {
  if (!isRepoId(text)) throw new HubError(`'${text}' is not a Hub repo id (namespace/name, letters, digits, '-', '_', '.')`);
  return text;
}
