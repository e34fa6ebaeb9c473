import {
  type BicepFile,
  callArgs,
  calleeName,
  type Decorator,
  literal,
  params,
  type SyntaxNode,
  stringParts,
  variables,
} from "./bicep-tree.js";

/**
 * A small evaluator for the part of the Bicep expression language that the templates use to validate and
 * derive names and settings: literals, interpolation, operators, `?:`, member access, lambdas and the
 * string/array functions listed in {@link FUNCTIONS}. It follows Resource Manager semantics where they differ
 * from JavaScript (`endsWith`/`startsWith` ignore case, `fail()` stops the deployment). Resource and module
 * symbols named in {@link EvalOptions.symbols} evaluate to {@link Opaque} stand-ins (their properties are known
 * only at deployment). Anything else throws {@link UnsupportedExpression}, so a test can never pass by
 * skipping what it cannot read.
 */

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | Lambda | Opaque;

/**
 * A value known only at deployment, such as `keyVault.outputs.uri`: member access extends its path, and
 * interpolation writes it as `<path>`, so a test can still see where a string takes it from.
 */
export interface Opaque {
  kind: "opaque";
  path: string;
}

interface Lambda {
  kind: "lambda";
  params: string[];
  body: SyntaxNode;
  scope: Map<string, Value>;
}

/** `fail()` was called, or a parameter decorator (`@minLength`, `@allowed`, ...) rejected a value. */
export class DeploymentFailure extends Error {
  override name = "DeploymentFailure";
}

/** The expression uses something this evaluator does not implement. */
export class UnsupportedExpression extends Error {
  override name = "UnsupportedExpression";
}

export interface EvalOptions {
  /** Parameter values by name; others take their default. */
  params?: Record<string, Value>;
  /** Stand-in for `uniqueString(...)`: 13 lower-case letters and digits in Azure. */
  uniqueString?: (...args: Value[]) => string;
  /** Stand-in for `resourceGroup()`. */
  resourceGroup?: { id: string; name: string; location: string };
  /** Resource and module symbols: each evaluates to an {@link Opaque} value with its name as path. */
  symbols?: string[];
}

const DEFAULT_RESOURCE_GROUP = {
  id: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-scim",
  name: "rg-scim",
  location: "swedencentral",
};

function isLambda(v: Value): v is Lambda {
  return typeof v === "object" && v !== null && !Array.isArray(v) && (v as Lambda).kind === "lambda";
}

export function isOpaque(v: Value): v is Opaque {
  return typeof v === "object" && v !== null && !Array.isArray(v) && (v as Opaque).kind === "opaque";
}

const opaque = (path: string): Opaque => ({ kind: "opaque", path });

function isObject(v: Value): v is { [key: string]: Value } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isLambda(v) && !isOpaque(v);
}

function str(v: Value, what: string): string {
  if (typeof v !== "string")
    throw new UnsupportedExpression(`${what}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

function num(v: Value, what: string): number {
  if (typeof v !== "number")
    throw new UnsupportedExpression(`${what}: expected a number, got ${JSON.stringify(v)}`);
  return v;
}

function arr(v: Value, what: string): Value[] {
  if (!Array.isArray(v))
    throw new UnsupportedExpression(`${what}: expected an array, got ${JSON.stringify(v)}`);
  return v;
}

function fn(v: Value, what: string): Lambda {
  if (!isLambda(v)) throw new UnsupportedExpression(`${what}: expected a lambda`);
  return v;
}

function interpolate(v: Value): string {
  if (typeof v === "string") return v;
  if (isOpaque(v)) return `<${v.path}>`;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "True" : "False";
  throw new UnsupportedExpression(`cannot interpolate ${JSON.stringify(v)}`);
}

function equal(a: Value, b: Value): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * tree-sitter-bicep parses `a ? b : c.d` as `(a ? b : c).d` (a written `(a ? b : c).d` has a parenthesized
 * object), which would evaluate the wrong expression: refuse it rather than guess. Write `!a ? c.d : b`.
 */
function misparsedTernary(node: SyntaxNode): void {
  if (node.namedChildren[0]?.type === "ternary_expression") {
    throw new UnsupportedExpression(
      `tree-sitter-bicep reads ${JSON.stringify(node.text)} as (… ? … : …).member; put the member access in the middle branch`,
    );
  }
}

type Builtin = (args: Value[], call: (f: Lambda, ...a: Value[]) => Value) => Value;

const FUNCTIONS: Record<string, Builtin> = {
  length: ([v]) => {
    if (typeof v === "string" || Array.isArray(v)) return v.length;
    if (v !== undefined && isObject(v)) return Object.keys(v).length;
    throw new UnsupportedExpression("length: unsupported argument");
  },
  empty: ([v]) => {
    if (v === null) return true;
    if (typeof v === "string" || Array.isArray(v)) return v.length === 0;
    if (v !== undefined && isObject(v)) return Object.keys(v).length === 0;
    throw new UnsupportedExpression("empty: unsupported argument");
  },
  toLower: ([v]) => str(v ?? null, "toLower").toLowerCase(),
  toUpper: ([v]) => str(v ?? null, "toUpper").toUpperCase(),
  substring: ([s, start, length]) => {
    const text = str(s ?? null, "substring");
    const from = num(start ?? null, "substring start");
    const count = length === undefined ? text.length - from : num(length, "substring length");
    if (from < 0 || count < 0 || from + count > text.length) {
      throw new DeploymentFailure(`substring(${JSON.stringify(text)}, ${from}, ${count}) is out of range`);
    }
    return text.slice(from, from + count);
  },
  take: ([v, n]) => {
    const count = Math.max(0, num(n ?? null, "take count"));
    if (typeof v === "string") return v.slice(0, count);
    return arr(v ?? null, "take").slice(0, count);
  },
  replace: ([s, from, to]) =>
    str(s ?? null, "replace")
      .split(str(from ?? null, "replace old"))
      .join(str(to ?? null, "replace new")),
  contains: ([container, item]) => {
    if (typeof container === "string") return container.includes(str(item ?? null, "contains item"));
    if (Array.isArray(container)) return container.some((x) => equal(x, item ?? null));
    if (container !== undefined && isObject(container))
      return Object.hasOwn(container, str(item ?? null, "contains key"));
    throw new UnsupportedExpression("contains: unsupported container");
  },
  // Resource Manager compares these two case-insensitively.
  startsWith: ([s, prefix]) =>
    str(s ?? null, "startsWith")
      .toLowerCase()
      .startsWith(str(prefix ?? null, "startsWith prefix").toLowerCase()),
  endsWith: ([s, suffix]) =>
    str(s ?? null, "endsWith")
      .toLowerCase()
      .endsWith(str(suffix ?? null, "endsWith suffix").toLowerCase()),
  first: ([v]) => {
    if (typeof v === "string") return v.slice(0, 1);
    return arr(v ?? null, "first")[0] ?? null;
  },
  last: ([v]) => {
    if (typeof v === "string") return v.slice(-1);
    const items = arr(v ?? null, "last");
    return items[items.length - 1] ?? null;
  },
  range: ([start, count]) =>
    Array.from(
      { length: num(count ?? null, "range count") },
      (_, i) => num(start ?? null, "range start") + i,
    ),
  map: ([items, lambda], call) => arr(items ?? null, "map").map((x) => call(fn(lambda ?? null, "map"), x)),
  filter: ([items, lambda], call) =>
    arr(items ?? null, "filter").filter((x) => call(fn(lambda ?? null, "filter"), x) === true),
  concat: (args) => {
    if (args.every((a) => Array.isArray(a))) return (args as Value[][]).flat(1);
    return args.map((a) => str(a, "concat")).join("");
  },
  // Resource Manager returns the entries sorted by key.
  items: ([v]) => {
    if (v === undefined || !isObject(v)) throw new UnsupportedExpression("items: expected an object");
    return Object.keys(v)
      .sort()
      .map((key) => ({ key, value: v[key] ?? null }));
  },
  string: ([v]) => {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return interpolate(v);
    throw new UnsupportedExpression(`string: unsupported argument ${JSON.stringify(v)}`);
  },
  union: (args) => {
    if (args.every((a) => isObject(a))) return Object.assign({}, ...(args as object[]));
    throw new UnsupportedExpression("union: only objects are supported");
  },
  fail: ([message]) => {
    throw new DeploymentFailure(str(message ?? null, "fail"));
  },
};

export class BicepEvaluator {
  private readonly paramValues = new Map<string, Value>();
  private readonly varCache = new Map<string, Value>();
  private readonly varNodes: Map<string, SyntaxNode>;

  /**
   * Binds parameter values: given ones are checked against the parameter's decorators the way Resource
   * Manager checks them before evaluating anything, the others take their defaults.
   */
  constructor(
    file: BicepFile,
    private readonly options: EvalOptions = {},
  ) {
    this.varNodes = new Map(variables(file).map((v) => [v.name, v.value]));
    for (const p of params(file)) {
      const given = options.params?.[p.name];
      let value: Value;
      if (given !== undefined) value = given;
      else if (p.defaultValue) value = this.evaluate(p.defaultValue, new Map());
      else continue;
      this.checkDecorators(p.name, p.decorators, value);
      this.paramValues.set(p.name, value);
    }
  }

  private checkDecorators(name: string, decorators: Decorator[], value: Value): void {
    for (const d of decorators) {
      const arg = d.args[0] ? this.evaluate(d.args[0], new Map()) : null;
      const size = typeof value === "string" || Array.isArray(value) ? value.length : undefined;
      const fails =
        (d.name === "minLength" && size !== undefined && size < num(arg, "@minLength")) ||
        (d.name === "maxLength" && size !== undefined && size > num(arg, "@maxLength")) ||
        (d.name === "minValue" && typeof value === "number" && value < num(arg, "@minValue")) ||
        (d.name === "maxValue" && typeof value === "number" && value > num(arg, "@maxValue")) ||
        (d.name === "allowed" && !arr(arg, "@allowed").some((a) => equal(a, value)));
      if (fails) {
        throw new DeploymentFailure(
          `parameter ${name}: ${JSON.stringify(value)} fails @${d.name}(${JSON.stringify(arg)})`,
        );
      }
    }
  }

  /** Value of a top-level `var`. */
  variable(name: string): Value {
    const cached = this.varCache.get(name);
    if (cached !== undefined) return cached;
    const node = this.varNodes.get(name);
    if (!node) throw new UnsupportedExpression(`no variable ${name}`);
    const value = this.evaluate(node, new Map());
    this.varCache.set(name, value);
    return value;
  }

  /** Evaluates any expression node of this file. */
  evaluate(node: SyntaxNode, scope: Map<string, Value>): Value {
    switch (node.type) {
      case "string":
        return stringParts(node)
          .map((p) => (typeof p === "string" ? p : interpolate(this.evaluate(p, scope))))
          .join("");
      case "number":
      case "boolean":
      case "null": {
        const value = literal(node);
        if (value === undefined) throw new UnsupportedExpression(`literal ${node.text}`);
        return value;
      }
      case "parenthesized_expression": {
        const inner = node.namedChildren.find((n) => n.type !== "comment");
        if (!inner) throw new UnsupportedExpression("empty parentheses");
        return this.evaluate(inner, scope);
      }
      case "identifier":
        return this.lookup(node.text, scope);
      case "array":
        return node.namedChildren.filter((n) => n.type !== "comment").map((n) => this.evaluate(n, scope));
      case "object": {
        const result: { [key: string]: Value } = {};
        for (const prop of node.namedChildren.filter((n) => n.type === "object_property")) {
          const [keyNode, valueNode] = prop.namedChildren;
          if (!keyNode || !valueNode) continue;
          const key = keyNode.type === "string" ? this.evaluate(keyNode, scope) : keyNode.text;
          result[str(key, "object key")] = this.evaluate(valueNode, scope);
        }
        return result;
      }
      case "unary_expression": {
        const operator = node.children[0]?.text;
        const argument = this.evaluate(node.namedChildren[0] ?? node, scope);
        if (operator === "!") return !argument;
        if (operator === "-") return -num(argument, "unary -");
        throw new UnsupportedExpression(`unary ${operator}`);
      }
      case "binary_expression":
        return this.binary(node, scope);
      case "ternary_expression": {
        const [test, whenTrue, whenFalse] = node.namedChildren;
        if (!test || !whenTrue || !whenFalse) throw new UnsupportedExpression("ternary");
        return this.evaluate(test, scope) === true
          ? this.evaluate(whenTrue, scope)
          : this.evaluate(whenFalse, scope);
      }
      case "member_expression": {
        misparsedTernary(node);
        const object = this.evaluate(node.namedChildren[0] ?? node, scope);
        const property = node.namedChildren[1]?.text ?? "";
        if (isOpaque(object)) return opaque(`${object.path}.${property}`);
        const safe = node.children.some((c) => c.type === ".?");
        if (isObject(object) && Object.hasOwn(object, property)) return object[property] ?? null;
        if (safe) return null;
        throw new UnsupportedExpression(`no property ${property} in ${JSON.stringify(object)}`);
      }
      case "subscript_expression": {
        misparsedTernary(node);
        const [objectNode, indexNode] = node.namedChildren;
        const object = this.evaluate(objectNode ?? node, scope);
        const index = this.evaluate(indexNode ?? node, scope);
        if (Array.isArray(object) && typeof index === "number") return object[index] ?? null;
        if (isObject(object) && typeof index === "string") return object[index] ?? null;
        throw new UnsupportedExpression(`subscript ${node.text}`);
      }
      case "lambda_expression": {
        const [head, body] = node.namedChildren;
        if (!head || !body) throw new UnsupportedExpression("lambda");
        const names = head.type === "identifier" ? [head.text] : head.namedChildren.map((n) => n.text);
        return { kind: "lambda", params: names, body, scope: new Map(scope) };
      }
      case "call_expression":
        return this.call(node, scope);
      default:
        throw new UnsupportedExpression(`${node.type}: ${node.text.slice(0, 60)}`);
    }
  }

  private lookup(name: string, scope: Map<string, Value>): Value {
    if (scope.has(name)) return scope.get(name) ?? null;
    if (this.paramValues.has(name)) return this.paramValues.get(name) ?? null;
    if (this.varNodes.has(name)) return this.variable(name);
    if (this.options.symbols?.includes(name)) return opaque(name);
    throw new UnsupportedExpression(`unknown identifier ${name}`);
  }

  private binary(node: SyntaxNode, scope: Map<string, Value>): Value {
    const [leftNode, rightNode] = node.namedChildren;
    const operator = node.children.find((c) => !c.isNamed)?.text;
    if (!leftNode || !rightNode || !operator) throw new UnsupportedExpression(`binary ${node.text}`);
    const left = this.evaluate(leftNode, scope);
    // Like Resource Manager's and(), or() and coalesce(): the right side only when it decides the result.
    if (operator === "&&") return left === true ? this.evaluate(rightNode, scope) === true : false;
    if (operator === "||") return left === true ? true : this.evaluate(rightNode, scope) === true;
    if (operator === "??") return left ?? this.evaluate(rightNode, scope);
    const right = this.evaluate(rightNode, scope);
    switch (operator) {
      case "==":
        return equal(left, right);
      case "!=":
        return !equal(left, right);
      case "=~":
        return str(left, "=~").toLowerCase() === str(right, "=~").toLowerCase();
      case "!~":
        return str(left, "!~").toLowerCase() !== str(right, "!~").toLowerCase();
      case ">":
        return num(left, ">") > num(right, ">");
      case ">=":
        return num(left, ">=") >= num(right, ">=");
      case "<":
        return num(left, "<") < num(right, "<");
      case "<=":
        return num(left, "<=") <= num(right, "<=");
      case "+":
        return num(left, "+") + num(right, "+");
      case "-":
        return num(left, "-") - num(right, "-");
      default:
        throw new UnsupportedExpression(`operator ${operator}`);
    }
  }

  private call(node: SyntaxNode, scope: Map<string, Value>): Value {
    const name = calleeName(node);
    const args = callArgs(node).map((a) => this.evaluate(a, scope));
    if (name === "uniqueString") {
      const stub = this.options.uniqueString ?? (() => "abcdefghijklm");
      return stub(...args);
    }
    if (name === "resourceGroup" && args.length === 0) {
      return { ...(this.options.resourceGroup ?? DEFAULT_RESOURCE_GROUP) };
    }
    // Deterministic like Resource Manager's guid(): the same arguments give the same name.
    if (name === "guid") return `guid(${args.map(interpolate).join(", ")})`;
    const builtin = name ? FUNCTIONS[name] : undefined;
    if (!builtin) throw new UnsupportedExpression(`function ${name ?? node.text}()`);
    return builtin(args, (lambda, ...values) => {
      const inner = new Map(lambda.scope);
      lambda.params.forEach((p, i) => {
        inner.set(p, values[i] ?? null);
      });
      return this.evaluate(lambda.body, inner);
    });
  }
}
