/**
 * The UTF-8 bytes JSON.stringify writes for `s`, quotes included: `"` and `\` and the controls with a
 * short escape (`\n`, `\t`...) take 2, the other controls and a lone surrogate `\u00XX`/`\uDXXX` 6,
 * a surrogate pair 4 (one code point), and the rest their UTF-8 length. A loop over the code units:
 * this runs for every string of every resource a list page reads, where a regex and
 * `Buffer.byteLength` per string cost twice what JSON.stringify does.
 */
function stringSize(s: string): number {
  let bytes = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += c === 0x22 || c === 0x5c ? 2 : c >= 0x20 ? 1 : SHORT_ESCAPES.has(c) ? 2 : 6;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += c >= 0xd800 && c <= 0xdfff ? 6 : 3;
  }
  return bytes;
}

/** \b \t \n \f \r: the controls JSON.stringify writes in two characters. */
const SHORT_ESCAPES = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** Whether JSON.stringify leaves a member out of an object (and writes `null` for it in an array). */
const omitted = (value: unknown) =>
  value === undefined || typeof value === "function" || typeof value === "symbol";

/**
 * The UTF-8 bytes of `JSON.stringify(value)`, without building the text. Lets a list page be bounded in
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
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const member = object[key];
    if (omitted(member)) continue;
    size += stringSize(key) + 1 + jsonSize(member);
    members++;
  }
  return size + Math.max(0, members - 1);
}
