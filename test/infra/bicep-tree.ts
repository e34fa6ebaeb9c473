import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import Parser from "tree-sitter";
import Bicep from "tree-sitter-bicep";

/**
 * Bicep syntax-tree queries for infra tests (tree-sitter + tree-sitter-bicep). The Bicep CLI is not
 * available here, so tests assert over the parse tree instead of over raw text: a comment or a string
 * that merely mentions `listKeys` cannot satisfy or fail a check.
 */

export type SyntaxNode = Parser.SyntaxNode;

export interface BicepFile {
  /** Path as given to {@link parseBicepFile} (or a label for in-memory sources). */
  path: string;
  source: string;
  root: SyntaxNode;
}

export interface Decorator {
  name: string;
  args: SyntaxNode[];
  node: SyntaxNode;
}

export interface ParamDecl {
  name: string;
  /** Type as written, e.g. `string`, `int`, `string?`. */
  type: string;
  decorators: Decorator[];
  defaultValue: SyntaxNode | undefined;
  node: SyntaxNode;
}

export interface OutputDecl {
  name: string;
  type: string;
  decorators: Decorator[];
  value: SyntaxNode;
  node: SyntaxNode;
}

export interface VariableDecl {
  name: string;
  value: SyntaxNode;
  node: SyntaxNode;
}

export interface ResourceDecl {
  symbol: string;
  /** Resource type without the API version, e.g. `Microsoft.Storage/storageAccounts`. */
  type: string;
  apiVersion: string;
  existing: boolean;
  /** The resource body object (inside any `if (...)` or `[for ...]`). */
  body: SyntaxNode;
  condition: SyntaxNode | undefined;
  loop: { variable: string; iterable: SyntaxNode } | undefined;
  decorators: Decorator[];
  node: SyntaxNode;
}

export interface ModuleDecl {
  symbol: string;
  path: string;
  body: SyntaxNode;
  node: SyntaxNode;
}

export interface SyntaxProblem {
  kind: "ERROR" | "MISSING";
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  text: string;
}

let parser: Parser | undefined;

function getParser(): Parser {
  if (!parser) {
    parser = new Parser();
    // The grammar package's typings describe the same object with `language: unknown`.
    parser.setLanguage(Bicep as unknown as Parser.Language);
  }
  return parser;
}

/** Parses Bicep source held in memory; `path` is only a label. */
export function parseBicep(source: string, path = "<inline>.bicep"): BicepFile {
  return { path, source, root: getParser().parse(source).rootNode };
}

export function parseBicepFile(path: string): BicepFile {
  return parseBicep(readFileSync(path, "utf8"), path);
}

/** Every `.bicep` file under `dir`, recursively, sorted. */
export function listBicepFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listBicepFiles(full));
    else if (entry.isFile() && entry.name.endsWith(".bicep")) found.push(full);
  }
  return found.sort();
}

/** The first ERROR or MISSING node in document order, if any. */
export function firstSyntaxProblem(file: BicepFile): SyntaxProblem | undefined {
  if (!file.root.hasError) return undefined;
  const visit = (node: SyntaxNode): SyntaxProblem | undefined => {
    if (node.type === "ERROR" || node.isMissing) {
      return {
        kind: node.isMissing ? "MISSING" : "ERROR",
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        text: node.isMissing ? node.type : node.text.slice(0, 60),
      };
    }
    for (const child of node.children) {
      const found = visit(child);
      if (found) return found;
    }
    return undefined;
  };
  return visit(file.root);
}

/** Every node of the subtree (including `node`), depth first. */
export function descendants(node: SyntaxNode): SyntaxNode[] {
  const all: SyntaxNode[] = [];
  const walk = (n: SyntaxNode): void => {
    all.push(n);
    for (const child of n.namedChildren) walk(child);
  };
  walk(node);
  return all;
}

/** 1-based line of a node, for assertion messages. */
export function lineOf(node: SyntaxNode): number {
  return node.startPosition.row + 1;
}

export function where(file: BicepFile, node: SyntaxNode): string {
  return `${relative(process.cwd(), file.path)}:${lineOf(node)}`;
}

// ---------------------------------------------------------------------------------------------
// Literals

/**
 * Value of a literal node: string without interpolation, number, boolean, null. `undefined` when the
 * node is an expression that only the deployment can evaluate.
 */
export function literal(node: SyntaxNode | undefined): string | number | boolean | null | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case "string": {
      const parts = stringParts(node);
      return parts.every((p) => typeof p === "string") ? parts.join("") : undefined;
    }
    case "number":
      return Number(node.text);
    case "boolean":
      return node.text === "true";
    case "null":
      return null;
    case "unary_expression":
      // A negative number parses as unary minus on some grammar versions.
      if (node.text.startsWith("-") && node.namedChildren[0]?.type === "number")
        return -Number(node.namedChildren[0].text);
      return undefined;
    default:
      return undefined;
  }
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", "'": "'", $: "$" };

function decodeEscapes(raw: string): string {
  return raw.replace(/\\(u\{[0-9a-fA-F]+\}|[\s\S])/g, (_match, code: string) =>
    code.startsWith("u{")
      ? String.fromCodePoint(Number.parseInt(code.slice(2, -1), 16))
      : (ESCAPES[code] ?? code),
  );
}

/**
 * A string node split into literal text (escapes decoded) and interpolated expressions, in order.
 * Works from the node's own text because the grammar hides some escape tokens (e.g. `\$`).
 */
export function stringParts(node: SyntaxNode): (string | SyntaxNode)[] {
  if (node.type !== "string") throw new Error(`not a string node: ${node.type}`);
  const text = node.text;
  const multiline = text.startsWith("'''");
  const quote = multiline ? 3 : 1;
  const parts: (string | SyntaxNode)[] = [];
  const pushText = (raw: string): void => {
    if (raw) parts.push(multiline ? raw : decodeEscapes(raw));
  };
  let cursor = quote;
  for (const child of node.namedChildren) {
    if (child.type !== "interpolation") continue;
    pushText(text.slice(cursor, child.startIndex - node.startIndex));
    const expression = child.namedChildren[0];
    if (expression) parts.push(expression);
    cursor = child.endIndex - node.startIndex;
  }
  pushText(text.slice(cursor, text.length - quote));
  if (parts.length === 0) parts.push("");
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Objects and calls

/** Key of an `object_property` (identifier or quoted string), or undefined for nested resources. */
export function propertyKey(prop: SyntaxNode): string | undefined {
  const key = prop.namedChildren[0];
  if (!key || prop.type !== "object_property" || key.type === "resource_declaration") return undefined;
  if (key.type === "string") {
    const value = literal(key);
    return typeof value === "string" ? value : undefined;
  }
  return key.text;
}

/** The `object_property` nodes of an object, in order. */
export function objectProperties(
  obj: SyntaxNode | undefined,
): { key: string; value: SyntaxNode; node: SyntaxNode }[] {
  if (obj?.type !== "object") return [];
  const result: { key: string; value: SyntaxNode; node: SyntaxNode }[] = [];
  for (const prop of obj.namedChildren) {
    if (prop.type !== "object_property") continue;
    const key = propertyKey(prop);
    const value = prop.namedChildren[1];
    if (key !== undefined && value) result.push({ key, value, node: prop });
  }
  return result;
}

/**
 * Value node at a dotted key path inside nested object literals, e.g.
 * `property(body, "properties.siteConfig.minTlsVersion")`. Keys compare case-sensitively, like ARM
 * property names in Bicep. Returns undefined when a step is missing or is not an object literal.
 */
export function property(obj: SyntaxNode | undefined, path: string): SyntaxNode | undefined {
  let current = obj;
  for (const key of path.split(".")) {
    if (current?.type !== "object") return undefined;
    current = objectProperties(current).find((p) => p.key === key)?.value;
  }
  return current;
}

/** Literal value at a key path, or undefined (see {@link literal} and {@link property}). */
export function propertyValue(obj: SyntaxNode | undefined, path: string): ReturnType<typeof literal> {
  return literal(property(obj, path));
}

/** Elements of an array literal. */
export function arrayItems(node: SyntaxNode | undefined): SyntaxNode[] {
  return node?.type === "array" ? node.namedChildren.filter((n) => n.type !== "comment") : [];
}

/**
 * Name of the function a `call_expression` calls: `f` for `f(...)`, `az.f(...)` and `sym.f(...)`
 * (resource instance functions such as `storage.listKeys()`).
 */
export function calleeName(call: SyntaxNode): string | undefined {
  if (call.type !== "call_expression") return undefined;
  const callee = call.namedChildren[0];
  if (!callee) return undefined;
  if (callee.type === "identifier") return callee.text;
  if (callee.type === "member_expression") return callee.childForFieldName("property")?.text;
  return undefined;
}

/** Arguments of a `call_expression`. */
export function callArgs(call: SyntaxNode): SyntaxNode[] {
  const args = call.namedChildren.find((n) => n.type === "arguments");
  return args ? args.namedChildren.filter((n) => n.type !== "comment") : [];
}

/** Every call in the subtree whose callee name matches (see {@link calleeName}). */
export function findCalls(node: SyntaxNode, name: string | RegExp): SyntaxNode[] {
  const matches = (callee: string | undefined): boolean =>
    callee !== undefined && (typeof name === "string" ? callee === name : name.test(callee));
  return descendants(node).filter((n) => n.type === "call_expression" && matches(calleeName(n)));
}

/** `a.b.c` for a chain of member expressions over an identifier, else undefined. */
export function memberPath(node: SyntaxNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === "identifier") return node.text;
  if (node.type !== "member_expression") return undefined;
  const object = memberPath(node.childForFieldName("object") ?? undefined);
  const prop = node.childForFieldName("property")?.text;
  return object !== undefined && prop !== undefined ? `${object}.${prop}` : undefined;
}

// ---------------------------------------------------------------------------------------------
// Declarations

function decoratorsOf(node: SyntaxNode): Decorator[] {
  return node.namedChildren
    .filter((d) => d.type === "decorator")
    .flatMap((d) => {
      const call = d.namedChildren.find((n) => n.type === "call_expression");
      const name = call ? calleeName(call) : undefined;
      return call && name ? [{ name, args: callArgs(call), node: d }] : [];
    });
}

/** Top-level declarations, each with the decorators written above it. */
function declarations(file: BicepFile): { node: SyntaxNode; decorators: Decorator[] }[] {
  const result: { node: SyntaxNode; decorators: Decorator[] }[] = [];
  let pending: Decorator[] = [];
  for (const node of file.root.namedChildren) {
    if (node.type === "comment") continue;
    if (node.type === "decorators") {
      pending = [...pending, ...decoratorsOf(node)];
      continue;
    }
    result.push({ node, decorators: pending });
    pending = [];
  }
  return result;
}

function typeText(decl: SyntaxNode): string {
  return decl.namedChildren.find((n) => n.type === "type")?.text ?? "";
}

export function params(file: BicepFile): ParamDecl[] {
  return declarations(file)
    .filter(({ node }) => node.type === "parameter_declaration")
    .map(({ node, decorators }) => {
      const [name, type, defaultValue] = node.namedChildren.filter((n) => n.type !== "comment");
      return { name: name?.text ?? "", type: type?.text ?? "", decorators, defaultValue, node };
    });
}

export function outputs(file: BicepFile): OutputDecl[] {
  return declarations(file)
    .filter(({ node }) => node.type === "output_declaration")
    .map(({ node, decorators }) => {
      const children = node.namedChildren.filter((n) => n.type !== "comment");
      const value = children[children.length - 1] ?? node;
      return { name: children[0]?.text ?? "", type: typeText(node), decorators, value, node };
    });
}

export function variables(file: BicepFile): VariableDecl[] {
  return declarations(file)
    .filter(({ node }) => node.type === "variable_declaration")
    .flatMap(({ node }) => {
      const [name, value] = node.namedChildren.filter((n) => n.type !== "comment");
      return name && value ? [{ name: name.text, value, node }] : [];
    });
}

/** Unwraps `if (...) {...}` and `[for ... : ...]` around a resource or module body. */
function unwrapBody(value: SyntaxNode): Pick<ResourceDecl, "body" | "condition" | "loop"> {
  let body = value;
  let condition: SyntaxNode | undefined;
  let loop: ResourceDecl["loop"];
  if (body.type === "for_statement") {
    const params = body.namedChildren.find((n) => n.type === "for_loop_parameters");
    const variable = params
      ? params.namedChildren.find((n) => n.type === "loop_variable")?.text
      : body.childForFieldName("initializer")?.text;
    const named = body.namedChildren.filter((n) => n.type !== "comment");
    const inner = body.childForFieldName("body");
    // The iterable is the unnamed-field expression between `in` and `:`.
    const iterable = named.find(
      (n) =>
        n.type !== "for_loop_parameters" &&
        n.id !== body.childForFieldName("initializer")?.id &&
        n.id !== inner?.id,
    );
    if (variable && iterable) loop = { variable, iterable };
    if (inner) body = inner;
  }
  if (body.type === "if_statement") {
    condition = body.namedChildren.find((n) => n.type === "parenthesized_expression");
    body = body.namedChildren.find((n) => n.type === "object") ?? body;
  }
  return { body, condition, loop };
}

/** Resource declarations, including resources nested inside other resources' bodies. */
export function resources(file: BicepFile, type?: string): ResourceDecl[] {
  const decorated = new Map(declarations(file).map((d) => [d.node.id, d.decorators]));
  return descendants(file.root)
    .filter((n) => n.type === "resource_declaration")
    .map((node) => {
      const named = node.namedChildren.filter((n) => n.type !== "comment");
      const [symbol, typeString, value] = named;
      const fullType = typeString ? literal(typeString) : undefined;
      const [resourceType = "", apiVersion = ""] = typeof fullType === "string" ? fullType.split("@") : [];
      const existing = node.children.some((c) => c.type === "existing");
      return {
        symbol: symbol?.text ?? "",
        type: resourceType,
        apiVersion,
        existing,
        ...unwrapBody(value ?? node),
        decorators: decorated.get(node.id) ?? [],
        node,
      };
    })
    .filter((r) => type === undefined || r.type.toLowerCase() === type.toLowerCase());
}

export function modules(file: BicepFile): ModuleDecl[] {
  return declarations(file)
    .filter(({ node }) => node.type === "module_declaration")
    .map(({ node }) => {
      const [symbol, path, value] = node.namedChildren.filter((n) => n.type !== "comment");
      const modulePath = path ? literal(path) : undefined;
      return {
        symbol: symbol?.text ?? "",
        path: typeof modulePath === "string" ? modulePath : "",
        body: unwrapBody(value ?? node).body,
        node,
      };
    });
}

/** First string argument of a decorator such as `@description('...')`, if it is a literal. */
export function decoratorText(decorators: Decorator[], name: string): string | undefined {
  const value = literal(decorators.find((d) => d.name === name)?.args[0]);
  return typeof value === "string" ? value : undefined;
}

/** Absolute path that a relative path argument (loadJsonContent, module path) denotes from `file`. */
export function resolveFrom(file: BicepFile, relativePath: string): string {
  return join(dirname(file.path), relativePath);
}
