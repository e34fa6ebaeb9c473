import { ScimError } from "../errors/scim-error.js";
import { foldCase } from "../schema/compare-values.js";
import { hasLoneSurrogate } from "../schema/scim-json.js";

const JSON_TYPES = new Set(["application/scim+json", "application/json"]);

/**
 * Names that would reach an object's prototype when assigned: no SCIM attribute has them, and a
 * body carrying one anywhere is refused before any code copies it (RFC 7643 §2.1 names only).
 */
const FORBIDDEN_NAMES = new Set(["__proto__", "constructor", "prototype"]);

const tooLarge = (limit: number) =>
  new ScimError("payloadTooLarge", `The request body exceeds ${limit} bytes.`);

/**
 * Reads at most `limit` bytes of a body stream (413 payloadTooLarge past it): a declared
 * `Content-Length` over the limit is refused unread, and a longer body is cut off at the limit,
 * never buffered whole.
 */
export async function readLimited(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
  contentLength?: string,
): Promise<Buffer> {
  if (contentLength !== undefined && Number(contentLength) > limit) throw tooLarge(limit);
  if (!stream) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    // A body stream fails only when its connection does (the client hung up while sending): the
    // request is incomplete, not a fault of this server.
    const { done, value } = await reader.read().catch(() => {
      throw new ScimError(
        "invalidSyntax",
        "The request body ended early: the connection closed while it was sent.",
      );
    });
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * How deeply a body may nest objects and arrays. SCIM's deepest body, a /Bulk operation whose
 * resource holds a complex multi-valued attribute, is under 10 levels. Without a bound, code that
 * walks a body recursively (this module's check first) ran out of stack at a few thousand levels,
 * which a 512 KiB body reaches easily.
 */
const MAX_NESTING = 64;

/**
 * What is wrong with a parsed JSON body, if anything: a member name that could reach an object's
 * prototype, or a string (name or value) that is not Unicode text. Throws invalidSyntax for a
 * value nested deeper than MAX_NESTING (the recursion stops there).
 */
function bodyProblem(value: unknown, path: string, depth = 1): ScimError | undefined {
  if (typeof value === "string") {
    return hasLoneSurrogate(value)
      ? new ScimError(
          "invalidValue",
          `${path ? `Attribute '${path}'` : "The request body"}: the string holds an unpaired surrogate escape (\\uD800-\\uDFFF without its other half), which is not Unicode text (RFC 8259 §8.2).`,
        )
      : undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  if (depth > MAX_NESTING) {
    throw new ScimError("invalidSyntax", `The request body nests deeper than ${MAX_NESTING} levels.`);
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = bodyProblem(item, `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (FORBIDDEN_NAMES.has(foldCase(key))) {
      return new ScimError(
        "invalidValue",
        `Unknown attribute '${at}': it is not defined by the resource's schemas.`,
      );
    }
    if (hasLoneSurrogate(key)) {
      return new ScimError(
        "invalidValue",
        `An attribute name in the request body holds an unpaired surrogate escape (\\uD800-\\uDFFF without its other half), which is not Unicode text (RFC 8259 §8.2).`,
      );
    }
    const found = bodyProblem(item, at, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The label of a member `name` of the object at `path`, as bodyProblem writes it. */
const memberLabel = (path: string, name: string) => (path ? `${path}.${name}` : name);

/**
 * The first member name that comes twice in one object of a JSON text (already parsed, so well
 * formed), with its path. JSON.parse keeps the last of such members and drops the others unseen
 * (RFC 8259 §4: names SHOULD be unique, and a receiver's behaviour is unpredictable when they are
 * not), so `"userName":"a","userName":"b"` lost `a` while `userName` and `USERNAME` were refused.
 * A scan of the text, since the parsed value no longer holds the lost member; it keeps its own
 * stack, so it needs no recursion (the nesting bound is checked before it runs).
 */
export function duplicateMember(text: string): string | undefined {
  type Frame = { names: Set<string> | undefined; path: string; key: string; index: number };
  const stack: Frame[] = [];
  const childPath = (frame: Frame | undefined) =>
    frame === undefined
      ? ""
      : frame.names
        ? memberLabel(frame.path, frame.key)
        : `${frame.path}[${frame.index}]`;
  // Only these characters matter; numbers, literals, white space and ':' are skipped in one step.
  const structural = /[{}[\],"]/g;
  let expectKey = false;
  for (let match = structural.exec(text); match; match = structural.exec(text)) {
    const ch = match[0];
    const at = match.index;
    if (ch === "{" || ch === "[") {
      const path = childPath(stack.at(-1));
      stack.push({ names: ch === "{" ? new Set() : undefined, path, key: "", index: 0 });
      expectKey = ch === "{";
    } else if (ch === "}" || ch === "]") {
      stack.pop();
      expectKey = false;
    } else if (ch === ",") {
      const top = stack.at(-1) as Frame;
      if (top.names) expectKey = true;
      else top.index += 1;
    } else {
      // The closing quote: the first one not escaped (preceded by an even run of backslashes).
      let end = text.indexOf('"', at + 1);
      for (;;) {
        let slashes = 0;
        while (text[end - 1 - slashes] === "\\") slashes += 1;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (expectKey) {
        const top = stack.at(-1) as Frame;
        const raw = text.slice(at + 1, end);
        // Decoded, so that "user\u004eame" is the same name as "userName", as JSON.parse reads it.
        const name = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (top.names?.has(name)) return memberLabel(top.path, name);
        top.names?.add(name);
        top.key = name;
        expectKey = false;
      }
      structural.lastIndex = end + 1;
    }
  }
  return undefined;
}

/**
 * Reads and parses a JSON body (RFC 7644 §3.1, §3.8): `application/scim+json` or `application/json`,
 * not content-coded (415 otherwise), at most `limit` bytes (413 otherwise, before reading when
 * `Content-Length` says so, and as soon as a chunked body passes it), valid UTF-8 (RFC 8259 §8.1)
 * and JSON nested at most MAX_NESTING levels (400 invalidSyntax otherwise), and free of member names
 * that could reach an object's prototype, of strings that are not Unicode text and of a member name
 * given twice in one object (400 invalidValue).
 */
export async function readJsonBody(
  header: (name: string) => string | undefined,
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<unknown> {
  const bytes = await readLimited(stream, limit, header("content-length"));
  if (bytes.byteLength === 0) return undefined;
  // Parameters are ignored: JSON is UTF-8 whatever a `charset` says (RFC 8259 §8.1; §11: "adding one
  // really has no effect on compliant recipients"), and the bytes are checked as UTF-8 below.
  const mediaType = header("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (mediaType && !JSON_TYPES.has(mediaType)) {
    throw new ScimError(
      "unsupportedMediaType",
      `Content-Type '${mediaType}' is not supported: send application/scim+json or application/json.`,
    );
  }
  // Neither the Functions host nor this code decompresses request bodies: a gzip body would only
  // fail later as "not UTF-8" (RFC 9110 §15.5.16: 415, with Accept-Encoding naming what is taken).
  const coding = header("content-encoding")?.trim().toLowerCase();
  if (coding && coding !== "identity") {
    throw new ScimError(
      "unsupportedMediaType",
      `Content-Encoding '${coding}' is not supported: send the body uncompressed.`,
      { "Accept-Encoding": "identity" },
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ScimError("invalidSyntax", "The request body is not valid UTF-8 (RFC 8259 §8.1).");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "unparseable";
    throw new ScimError("invalidSyntax", `The request body is not valid JSON: ${reason}.`);
  }
  const problem = bodyProblem(parsed, "");
  if (problem) throw problem;
  const twice = duplicateMember(text);
  if (twice !== undefined) {
    throw new ScimError(
      "invalidValue",
      `Attribute '${twice}' is given more than once in one object of the request body.`,
    );
  }
  return parsed;
}
