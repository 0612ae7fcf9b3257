import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Language, Parser, type Node, type Tree } from "web-tree-sitter";

/**
 * Reads the Bicep templates with tree-sitter-bicep (there is no Bicep compiler here), so tests can
 * check syntax and pull facts out of the templates (app settings, names, outputs) by structure
 * rather than by regular expression.
 */
export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const infraDir = join(repoRoot, "infra");

export function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export const rel = (path: string) => relative(repoRoot, path).split("\\").join("/");

let parser: Promise<Parser> | undefined;

/** One parser per test file, created once even when many files are parsed concurrently. */
export function bicepParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const wasm = join(require.resolve("tree-sitter-bicep/package.json"), "..", "tree-sitter-bicep.wasm");
    const language = await Language.load(wasm);
    const created = new Parser();
    created.setLanguage(language);
    return created;
  })();
  return parser;
}

export interface BicepFile {
  path: string;
  source: string;
  tree: Tree;
}

export async function parseBicep(path: string): Promise<BicepFile> {
  return parseBicepSource(readFileSync(path, "utf8"), path);
}

export async function parseBicepSource(source: string, path: string): Promise<BicepFile> {
  const tree = (await bicepParser()).parse(source);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${rel(path)}`);
  return { path, source, tree };
}

/** The first ERROR or MISSING node, depth first, for a failure message that points at the line. */
export function firstSyntaxError(node: Node): Node | undefined {
  if (node.isError || node.isMissing) return node;
  if (!node.hasError) return undefined;
  for (const child of node.children) {
    if (!child) continue;
    const found = firstSyntaxError(child);
    if (found) return found;
  }
  return node;
}

export function describeSyntaxError(file: BicepFile, node: Node): string {
  const { row, column } = node.startPosition;
  const line = file.source.split("\n")[row] ?? "";
  const kind = node.isMissing ? `MISSING ${node.type}` : "ERROR";
  return `${rel(file.path)}:${row + 1}:${column + 1}: ${kind} near ${JSON.stringify(node.text.slice(0, 60))}\n  ${line.trim()}`;
}

export function descendants(node: Node, type: string): Node[] {
  return node.descendantsOfType(type).filter((n): n is Node => n !== null);
}

/** Text of a Bicep string literal without quotes; undefined when it interpolates. */
export function stringValue(node: Node | null | undefined): string | undefined {
  if (!node || node.type !== "string") return undefined;
  if (node.namedChildren.some((c) => c?.type === "interpolation")) return undefined;
  return node.namedChildren
    .filter((c): c is Node => c !== null)
    .map((c) => c.text)
    .join("");
}

/** Key of an object_property: identifier or quoted string. */
export function propertyKey(property: Node): string | undefined {
  const key = property.namedChildren[0];
  if (!key) return undefined;
  return key.type === "string" ? stringValue(key) : key.text;
}

export function propertyValue(property: Node): Node | undefined {
  return property.namedChildren[1] ?? undefined;
}

/** Top-level declaration (var, param, output, resource, module) of the given node type and name. */
export function declaration(file: BicepFile, type: string, name: string): Node | undefined {
  return file.tree.rootNode.namedChildren.find(
    (n): n is Node => n !== null && n.type === type && n.namedChildren[0]?.text === name,
  );
}

/** Names declared at the top level with the given node type (e.g. parameter_declaration). */
export function declaredNames(file: BicepFile, type: string): string[] {
  return file.tree.rootNode.namedChildren
    .filter((n): n is Node => n !== null && n.type === type)
    .map((n) => n.namedChildren[0]?.text ?? "");
}

/** Keys of every object literal property anywhere under `node`. */
export function objectKeys(node: Node): string[] {
  return descendants(node, "object_property")
    .map(propertyKey)
    .filter((k): k is string => k !== undefined);
}

/** The object value of property `key` directly inside object `node`. */
export function childProperty(node: Node, key: string): Node | undefined {
  const object = node.type === "object" ? node : descendants(node, "object")[0];
  return object?.namedChildren
    .filter((c): c is Node => c !== null && c.type === "object_property")
    .find((p) => propertyKey(p) === key);
}

/** Every string literal (without interpolation) anywhere under `node`. */
export function stringLiterals(node: Node): string[] {
  return descendants(node, "string")
    .map(stringValue)
    .filter((s): s is string => s !== undefined);
}

/** Keys of the properties directly inside an object literal (not nested ones). */
export function directKeys(object: Node): string[] {
  return object.namedChildren
    .filter((c): c is Node => c !== null && c.type === "object_property")
    .map(propertyKey)
    .filter((k): k is string => k !== undefined);
}

/**
 * The object literal a `var` is assigned, e.g. `var appSettings = { ... }`; for a conditional
 * (`cond ? {} : { ... }`) the branch with the most properties.
 */
export function varObject(file: BicepFile, name: string): Node {
  const decl = declaration(file, "variable_declaration", name);
  const value = decl?.namedChildren[1];
  const candidates =
    value?.type === "object"
      ? [value]
      : value?.type === "ternary_expression"
        ? [value.childForFieldName("consequence"), value.childForFieldName("alternative")].filter(
            (n): n is Node => n?.type === "object",
          )
        : [];
  const best = candidates.sort((a, b) => directKeys(b).length - directKeys(a).length)[0];
  if (!best) throw new Error(`${rel(file.path)}: no \`var ${name} = { ... }\``);
  return best;
}

export interface ParamInfo {
  name: string;
  hasDefault: boolean;
}

/** Parameters a template declares, and whether each has a default value. */
export function params(file: BicepFile): ParamInfo[] {
  return file.tree.rootNode.namedChildren
    .filter((n): n is Node => n !== null && n.type === "parameter_declaration")
    .map((n) => ({ name: n.namedChildren[0]?.text ?? "", hasDefault: n.namedChildren.length > 2 }));
}

export interface ModuleCall {
  symbol: string;
  /** Target template, resolved against the calling file. */
  target: string;
  /** The module body (object literal), inside any `if` or `for`. */
  body: Node;
  node: Node;
}

export function moduleCalls(file: BicepFile): ModuleCall[] {
  return descendants(file.tree.rootNode, "module_declaration").flatMap((node) => {
    const symbol = node.namedChildren[0]?.text ?? "";
    const path = stringValue(node.namedChildren[1]);
    const body = descendants(node, "object")[0];
    if (!path || !body || path.startsWith("br:") || path.startsWith("br/")) return [];
    return [{ symbol, target: resolve(join(file.path, ".."), path), body, node }];
  });
}
