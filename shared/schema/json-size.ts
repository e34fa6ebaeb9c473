/**
 * Characters JSON.stringify writes longer than UTF-8 does: controls become `\u00XX` (6 bytes for
 * 1), `"` and `\` get a backslash (2 for 1), and a lone surrogate becomes `\uDXXX` (6 bytes where
 * `Buffer.byteLength` counts 3, for the U+FFFD it would encode). `\p{Cc}` also takes U+007F to
 * U+009F, which are written as they are: counted as escaped, an over-estimate, as it may be.
 */
const NEEDS_ESCAPE = /[\p{Cc}\p{Cs}"\\]/u;
const ESCAPED = /[\p{Cc}"\\]/gu;
/** With the `u` flag, only a lone surrogate is a character of its own (a pair is one code point). */
const LONE_SURROGATE = /\p{Cs}/gu;

/** How many characters of `s` match `pattern`, without an array of matches (a 2 MB value may be all quotes). */
const occurrences = (s: string, pattern: RegExp) => s.length - s.replace(pattern, "").length;

function stringSize(s: string): number {
  const bytes = Buffer.byteLength(s, "utf8") + 2;
  if (!NEEDS_ESCAPE.test(s)) return bytes;
  return bytes + 5 * occurrences(s, ESCAPED) + 3 * occurrences(s, LONE_SURROGATE);
}

/** Whether JSON.stringify leaves a member out of an object (and writes `null` for it in an array). */
const omitted = (value: unknown) =>
  value === undefined || typeof value === "function" || typeof value === "symbol";

/**
 * An upper bound of the UTF-8 bytes of `JSON.stringify(value)`, without building the text: exact
 * but for escaped characters in strings (counted at their longest). Lets a list page be bounded in
 * bytes while the response is serialised once, by the pipeline.
 */
export function jsonSize(value: unknown): number {
  if (typeof value === "string") return stringSize(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value).length : 4;
  if (typeof value === "boolean") return value ? 4 : 5;
  if (value === null || omitted(value)) return value === null ? 4 : 0;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return jsonSize((value as { toJSON: () => unknown }).toJSON());
  }
  if (Array.isArray(value)) {
    let size = 2 + Math.max(0, value.length - 1);
    for (const item of value) size += omitted(item) ? 4 : jsonSize(item);
    return size;
  }
  let size = 2;
  let members = 0;
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    if (omitted(member)) continue;
    size += stringSize(key) + 1 + jsonSize(member);
    members++;
  }
  return size + Math.max(0, members - 1);
}
