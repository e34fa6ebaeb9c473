import { hasLoneSurrogate } from "../schema/scim-json.js";
import { expected, invalidFilter, quote } from "./invalid-filter.js";

/** One lexical token of a filter; `position` is 1-based in the filter text. */
export type Token =
  | { kind: "word" | "(" | ")" | "[" | "]" | "other" | "end"; text: string; position: number }
  | { kind: "string"; text: string; position: number; value: string }
  | { kind: "number"; text: string; position: number; value: number };

// Words carry attribute paths, so they include the URN characters ":" and "." and "$" of "$ref";
// keywords (eq, and, true...) are words too and only the parser knows which is which.
const WORD_CHAR = /[A-Za-z0-9_:.$-]/;
const WORD_START = /[A-Za-z_:.$]/;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/;
const PUNCTUATION = new Set(["(", ")", "[", "]"]);
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

function readString(text: string, start: number): Token {
  let value = "";
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"') {
      if (hasLoneSurrogate(value)) {
        throw invalidFilter(
          `The string at position ${start + 1} of the filter holds an unpaired surrogate escape (\\uD800-\\uDFFF without its other half), which is not Unicode text`,
        );
      }
      return { kind: "string", text: text.slice(start, i + 1), position: start + 1, value };
    }
    if (ch === "\\") {
      const next = text[i + 1];
      if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      const escaped = next === undefined ? undefined : ESCAPES[next];
      if (escaped === undefined) {
        const found = next === undefined ? "the end of the filter" : quote(text.slice(i, i + 2));
        throw expected(
          'an escape sequence (\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)',
          i + 1,
          found,
        );
      }
      value += escaped;
      i += 2;
      continue;
    }
    // JSON strings (RFC 8259 §7) cannot hold raw control characters.
    if (ch < " ")
      throw expected(
        "an escaped control character",
        i + 1,
        `U+${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
      );
    value += ch;
    i += 1;
  }
  throw invalidFilter(
    `Expected a closing quote (") for the string that starts at position ${start + 1} of the filter, found the end of the filter`,
  );
}

function readNumber(text: string, start: number): Token {
  const match = NUMBER.exec(text.slice(start));
  let end = start + (match ? match[0].length : 0);
  const after = text[end];
  if (!match || (after !== undefined && WORD_CHAR.test(after))) {
    while (end < text.length && WORD_CHAR.test(text[end] as string)) end += 1;
    throw expected("a JSON number", start + 1, quote(text.slice(start, Math.max(end, start + 1))));
  }
  const value = Number(match[0]);
  if (!Number.isFinite(value)) throw expected("a number within range", start + 1, quote(match[0]));
  return { kind: "number", text: match[0], position: start + 1, value };
}

/**
 * Splits a filter into tokens (RFC 7644 §3.4.2.2 lexical level: JSON strings and numbers per RFC
 * 8259, attribute paths, keywords, brackets). Always ends with an `end` token.
 */
export function lexFilter(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (PUNCTUATION.has(ch)) {
      tokens.push({ kind: ch as "(" | ")" | "[" | "]", text: ch, position: i + 1 });
      i += 1;
    } else if (ch === '"') {
      const token = readString(text, i);
      tokens.push(token);
      i += token.text.length;
    } else if (ch === "-" || (ch >= "0" && ch <= "9")) {
      const token = readNumber(text, i);
      tokens.push(token);
      i += token.text.length;
    } else if (WORD_START.test(ch)) {
      let end = i + 1;
      while (end < text.length && WORD_CHAR.test(text[end] as string)) end += 1;
      tokens.push({ kind: "word", text: text.slice(i, end), position: i + 1 });
      i = end;
    } else {
      // Left to the parser, which knows what it expected here ("=" where an operator belongs...).
      const other = String.fromCodePoint(text.codePointAt(i) as number);
      tokens.push({ kind: "other", text: other, position: i + 1 });
      i += other.length;
    }
  }
  tokens.push({ kind: "end", text: "", position: text.length + 1 });
  return tokens;
}
