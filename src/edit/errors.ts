import { DatasetError } from "../errors.js";

/** Thrown for an edit that cannot be done as asked (unknown episodes, datasets that disagree): a usage error. */
export class EditError extends DatasetError {
  override name = "EditError";
}
