/** The JSON Schemas published in schemas/, to check a command's --json output as a user's tool would. */
import fs from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { expect } from "vitest";

export const SCHEMAS_DIR = path.join(import.meta.dirname, "..", "..", "schemas");

export function publishedSchema(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, file), "utf8")) as Record<string, unknown>;
}

/** Parses a command's stdout and expects it to satisfy the published schema `file`. */
export function expectPublishedJson<T>(file: string, stdout: string): T {
  const validate = new Ajv2020({ allErrors: true }).compile(publishedSchema(file));
  const doc = JSON.parse(stdout) as T;
  expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  return doc;
}
