import type {
  AttributePath,
  Comparison,
  ComparisonOperator,
  ComparisonValue,
  Filter,
  Presence,
} from "./ast.js";
import { expected, invalidFilter, quote } from "./invalid-filter.js";
import { lexFilter, type Token } from "./lex-filter.js";

/** Longer filters are refused before any work is done. */
export const MAX_FILTER_LENGTH = 4096;
/** Parentheses, brackets and `not` together; keeps recursion far from the stack limit. */
export const MAX_FILTER_DEPTH = 32;

const OPERATORS: ReadonlySet<string> = new Set(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);
// Reserved so that a missing operand reads as "expected an attribute path", not as a path named "and".
const RESERVED: ReadonlySet<string> = new Set(["and", "or", "not"]);
const ATTRNAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/;
const URI = /^[A-Za-z][A-Za-z0-9_:.-]*$/;

const isKeyword = (token: Token, word: string) => token.kind === "word" && token.text.toLowerCase() === word;

function describe(token: Token): string {
  switch (token.kind) {
    case "end":
      return "the end of the filter";
    case "string":
      return `the string ${quote(token.value)}`;
    case "number":
      return `the number ${token.text}`;
    default:
      return quote(token.text);
  }
}

/** `[uri ":"] ATTRNAME ["." ATTRNAME]` (RFC 7644 §3.10); names are checked against schemas later. */
function toPath(token: Token): AttributePath | undefined {
  if (token.kind !== "word" || RESERVED.has(token.text.toLowerCase())) return undefined;
  const colon = token.text.lastIndexOf(":");
  const uri = colon >= 0 ? token.text.slice(0, colon) : undefined;
  const [attribute, sub, ...more] = token.text.slice(colon + 1).split(".");
  if (uri !== undefined && !URI.test(uri)) return undefined;
  if (attribute === undefined || !ATTRNAME.test(attribute) || more.length > 0) return undefined;
  if (sub !== undefined && !ATTRNAME.test(sub)) return undefined;
  return { ...(uri !== undefined ? { uri } : {}), attribute, ...(sub !== undefined ? { sub } : {}) };
}

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2): all comparison operators, `pr`, `and`/`or`/`not` with
 * precedence not > and > or, parentheses, value paths `attr[filter]` (plus Entra's trailing
 * `.sub op value`), URN-qualified paths, and JSON values. Keywords are case-insensitive. Every error
 * is a ScimError `invalidFilter` whose detail names the 1-based position and what was expected.
 */
export function parseFilter(text: string): Filter {
  if (text.length > MAX_FILTER_LENGTH) {
    throw invalidFilter(
      `The filter is ${text.length} characters long; at most ${MAX_FILTER_LENGTH} are allowed`,
    );
  }
  const tokens = lexFilter(text);
  let index = 0;
  let depth = 0;
  // The lexer always ends with an `end` token and nothing reads past it.
  const peek = () => tokens[Math.min(index, tokens.length - 1)] as Token;
  const next = () => tokens[Math.min(index++, tokens.length - 1)] as Token;

  const enter = (token: Token) => {
    depth += 1;
    if (depth > MAX_FILTER_DEPTH) {
      throw invalidFilter(
        `The filter nests more than ${MAX_FILTER_DEPTH} levels of parentheses, brackets and "not" at position ${token.position} of the filter`,
      );
    }
  };

  const close = (kind: ")" | "]") => {
    const token = next();
    if (token.kind !== kind) throw expected(`"and", "or" or "${kind}"`, token.position, describe(token));
    depth -= 1;
  };

  const value = (): ComparisonValue => {
    const token = next();
    if (token.kind === "string" || token.kind === "number") return token.value;
    if (isKeyword(token, "true")) return true;
    if (isKeyword(token, "false")) return false;
    if (isKeyword(token, "null")) return null;
    throw expected("a value (a string, a number, true, false or null)", token.position, describe(token));
  };

  const test = (path: AttributePath, position: number): Comparison | Presence => {
    const token = next();
    if (isKeyword(token, "pr")) return { kind: "present", path, position };
    const op = token.kind === "word" ? token.text.toLowerCase() : "";
    if (!OPERATORS.has(op)) throw expected("a comparison operator", token.position, describe(token));
    return { kind: "comparison", op: op as ComparisonOperator, path, value: value(), position };
  };

  const valuePath = (path: AttributePath, position: number): Filter => {
    enter(next());
    const filter = or(true);
    close("]");
    const after = peek();
    if (after.kind !== "word" || !after.text.startsWith("."))
      return { kind: "valuePath", path, filter, position };
    next();
    const sub = after.text.slice(1);
    if (!ATTRNAME.test(sub)) throw expected('a sub-attribute name after "]"', after.position + 1, quote(sub));
    return { kind: "valuePath", path, filter, test: test({ attribute: sub }, after.position + 1), position };
  };

  const term = (inBrackets: boolean): Filter => {
    const token = peek();
    if (token.kind === "(") {
      enter(next());
      const filter = or(inBrackets);
      close(")");
      return filter;
    }
    if (isKeyword(token, "not")) {
      enter(next());
      const open = peek();
      if (open.kind !== "(") throw expected('"(" after "not"', open.position, describe(open));
      const filter = term(inBrackets);
      depth -= 1;
      return { kind: "not", filter };
    }
    const path = toPath(token);
    if (!path) {
      const what = inBrackets ? "a sub-attribute name" : "an attribute path";
      throw expected(`${what}, "(" or "not"`, token.position, describe(token));
    }
    next();
    if (peek().kind !== "[") return test(path, token.position);
    if (inBrackets) {
      throw invalidFilter(
        `Value filters cannot be nested: found "[" at position ${peek().position} of the filter`,
      );
    }
    return valuePath(path, token.position);
  };

  const and = (inBrackets: boolean): Filter => {
    let left = term(inBrackets);
    while (isKeyword(peek(), "and")) {
      next();
      left = { kind: "and", left, right: term(inBrackets) };
    }
    return left;
  };

  const or = (inBrackets: boolean): Filter => {
    let left = and(inBrackets);
    while (isKeyword(peek(), "or")) {
      next();
      left = { kind: "or", left, right: and(inBrackets) };
    }
    return left;
  };

  const filter = or(false);
  const end = next();
  if (end.kind !== "end") throw expected('"and", "or" or the end of the filter', end.position, describe(end));
  return filter;
}
