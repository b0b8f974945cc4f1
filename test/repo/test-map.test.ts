/**
 * The tests mirror src/: a module's test is test/<same path>.test.ts, so a contributor finds it
 * where they look. Read with the TypeScript parser, not by pattern, so a comment that names a
 * module does not count as testing it.
 *
 * - Every module with runtime code has its own test file, and that file imports it directly
 *   (not only through a layer's index.ts, not only its types).
 * - Modules that hold only types, and index.ts files that only re-export, need none: the
 *   compiler checks the first, and the modules they re-export have their own tests.
 * - Every test file under a layer's folder names a module that exists, so a rename or a
 *   removal cannot leave a test behind under a name nobody looks for.
 * - Tests that are about no single module live in the named folders below.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.join(import.meta.dirname, "..", "..");

/** test/ folders that hold tests of no single module, and why each exists. */
const TOPIC_FOLDERS: Record<string, string> = {
  compat: "what Python LeRobot writes and reads: real and v0.6 fixtures, schemas, an independent reader",
  scenarios: "a user's whole job across layers: record then replay, a killed save, the CLI on simulated hardware",
  repo: "rules about the code itself: layers, the public API, this map",
  helpers: "shared set-up for tests (no tests)",
};

function filesUnder(dir: string, suffix: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(suffix))
    .map((f) => path.posix.join(dir, f.split(path.sep).join("/")))
    .sort();
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.ES2022, true);
}

/** True when a statement leaves something behind at run time (a value, a side effect). */
function hasRuntime(statement: ts.Statement): boolean {
  if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) return false;
  if (ts.isImportDeclaration(statement)) return false; // an import alone runs nothing of this module's own
  if (ts.isExportDeclaration(statement)) return !statement.isTypeOnly && statement.moduleSpecifier === undefined;
  return true;
}

/** Only re-exports from other modules: `export ... from "..."` and type declarations. */
function onlyReExports(source: ts.SourceFile): boolean {
  return source.statements.every((s) => (ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined) || !hasRuntime(s));
}

function isTypeOnly(source: ts.SourceFile): boolean {
  return source.statements.every((s) => !hasRuntime(s) && !(ts.isExportDeclaration(s) && !s.isTypeOnly));
}

/** src/ modules a test file imports for their values (type-only imports left out). */
function valueImports(testFile: string): Set<string> {
  const source = parse(testFile);
  const found = new Set<string>();
  const add = (specifier: string) => {
    if (!specifier.startsWith(".")) return;
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(testFile), specifier)).replace(/\.js$/, ".ts");
    if (resolved.startsWith("src/")) found.add(resolved);
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = clause !== undefined && (clause.isTypeOnly
        || (clause.name === undefined && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings)
          && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) add(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword
      && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]!)) {
      add(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const modules = filesUnder("src", ".ts");
const tests = filesUnder("test", ".test.ts");
const testFor = (module: string) => module.replace(/^src\//, "test/").replace(/\.ts$/, ".test.ts");

describe("the test map", () => {
  it("finds the modules and tests it is about", () => {
    expect(modules).toContain("src/dataset/writer.ts");
    expect(tests).toContain("test/dataset/writer.test.ts");
  });

  it("gives every module with runtime code its own test file, which imports it directly", () => {
    const missing: string[] = [];
    for (const module of modules) {
      const source = parse(module);
      if (path.posix.basename(module) === "index.ts" || isTypeOnly(source)) continue;
      const test = testFor(module);
      if (!fs.existsSync(path.join(ROOT, test))) missing.push(`${module}: no ${test}`);
      else if (!valueImports(test).has(module)) missing.push(`${module}: ${test} does not import it`);
    }
    expect(missing).toEqual([]);
  });

  it("exempts index.ts only while it just re-exports", () => {
    const withCode = modules.filter((m) => path.posix.basename(m) === "index.ts" && !onlyReExports(parse(m)));
    expect(withCode).toEqual([]);
  });

  it("names an existing module with every test file outside the topic folders", () => {
    const topics = Object.keys(TOPIC_FOLDERS).map((folder) => `test/${folder}/`);
    const stray = tests
      .filter((t) => !topics.some((folder) => t.startsWith(folder)))
      .filter((t) => !modules.includes(t.replace(/^test\//, "src/").replace(/\.test\.ts$/, ".ts")));
    expect(stray).toEqual([]);
  });

  it("keeps no tests in helpers/", () => {
    expect(tests.filter((t) => t.startsWith("test/helpers/"))).toEqual([]);
  });
});

describe("the map's own reading", () => {
  const sample = (text: string) => ts.createSourceFile("x.ts", text, ts.ScriptTarget.ES2022, true);

  it("tells a types-only module from one with code", () => {
    expect(isTypeOnly(sample('import type { A } from "./a.js";\nexport interface B { a: A }\nexport type C = B[];\n'))).toBe(true);
    expect(isTypeOnly(sample("export interface B { a: number }\nexport const b = 1;\n"))).toBe(false);
    expect(isTypeOnly(sample('export { a } from "./a.js";\n'))).toBe(false);
    expect(isTypeOnly(sample("export enum E { A }\n"))).toBe(false);
  });

  it("counts value imports and dynamic imports, not type-only ones", () => {
    const dir = fs.mkdtempSync(path.join(ROOT, "test", "repo", ".map-"));
    try {
      const file = path.posix.join(path.relative(ROOT, dir).split(path.sep).join("/"), "x.test.ts");
      fs.writeFileSync(path.join(ROOT, file), [
        'import type { A } from "../../../src/a.js";',
        'import { type B } from "../../../src/b.js";',
        'import { c } from "../../../src/c.js";',
        'const d = await import("../../../src/d.js");',
        "// ../../../src/e.js",
      ].join("\n"));
      expect([...valueImports(file)].sort()).toEqual(["src/c.ts", "src/d.ts"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
