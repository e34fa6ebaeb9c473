import { ScimError } from "../errors/scim-error.js";

const JSON_TYPES = new Set(["application/scim+json", "application/json"]);

/**
 * Reads and parses a JSON body (RFC 7644 §3.1, §3.8): `application/scim+json` or `application/json`,
 * at most `limit` bytes (413 otherwise), malformed JSON is 400 invalidSyntax.
 */
export async function readJsonBody(
  contentType: string | undefined,
  contentLength: string | undefined,
  read: () => Promise<ArrayBuffer>,
  limit: number,
): Promise<unknown> {
  if (contentLength !== undefined && Number(contentLength) > limit) {
    throw new ScimError("payloadTooLarge", `The request body exceeds ${limit} bytes.`);
  }
  const bytes = await read();
  if (bytes.byteLength > limit) {
    throw new ScimError("payloadTooLarge", `The request body exceeds ${limit} bytes.`);
  }
  if (bytes.byteLength === 0) return undefined;
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (mediaType && !JSON_TYPES.has(mediaType)) {
    throw new ScimError(
      "unsupportedMediaType",
      `Content-Type '${mediaType}' is not supported: send application/scim+json or application/json.`,
    );
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "unparseable";
    throw new ScimError("invalidSyntax", `The request body is not valid JSON: ${reason}.`);
  }
}
