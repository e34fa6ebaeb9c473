import { ScimError } from "../errors/scim-error.js";
import { foldCase } from "../schema/compare-values.js";
import { isObject, type ScimObject } from "../schema/scim-json.js";

/** The three PATCH operations of RFC 7644 §3.5.2, lower-cased. */
export type PatchOpName = "add" | "replace" | "remove";

/**
 * One PATCH operation after request parsing (RFC 7644 §3.5.2). `value` is left as raw JSON: only
 * the attribute a path resolves to knows how to validate it.
 */
export interface PatchOperation {
  op: PatchOpName;
  path?: string;
  value?: unknown;
}

export const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/**
 * Most operations one PATCH request may carry. RFC 7644 sets no limit; this one bounds the work a
 * single request can cause (Entra sends a handful per user, and members in batches of at most a few
 * hundred values inside ONE operation, so it is never reached by Entra).
 */
export const MAX_PATCH_OPERATIONS = 1000;

const OP_NAMES: readonly PatchOpName[] = ["add", "replace", "remove"];

/** Reads a member by name, exact spelling first, then case-insensitively (Entra writes `Operations`). */
function member(object: ScimObject, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const key = Object.keys(object).find((k) => foldCase(k) === foldCase(name));
  return key === undefined ? undefined : object[key];
}

function parseOperation(raw: unknown, index: number): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isObject(raw)) throw new ScimError("invalidSyntax", `${where} must be a JSON object.`);
  const op = member(raw, "op");
  const name = typeof op === "string" ? foldCase(op) : undefined;
  if (!OP_NAMES.includes(name as PatchOpName)) {
    throw new ScimError(
      "invalidValue",
      `${where}.op must be one of "add", "replace" or "remove" (case-insensitive), found ${JSON.stringify(op ?? null)}.`,
    );
  }
  const opName = name as PatchOpName;
  const path = member(raw, "path");
  if (path !== undefined && path !== null && typeof path !== "string") {
    throw new ScimError("invalidPath", `${where}.path must be a string.`);
  }
  const trimmed = typeof path === "string" ? path.trim() : undefined;
  if (trimmed === "") throw new ScimError("invalidPath", `${where}.path must not be empty.`);
  const value = member(raw, "value");
  if (opName === "remove" && trimmed === undefined) {
    // RFC 7644 §3.5.2.2: a remove without a path has no target.
    throw new ScimError("noTarget", `${where}: a remove operation needs a "path".`);
  }
  if (opName !== "remove" && value === undefined) {
    // RFC 7644 §3.5.2.1 and §3.5.2.3: add and replace MUST carry a value.
    throw new ScimError("invalidValue", `${where}: an ${opName} operation needs a "value".`);
  }
  return {
    op: opName,
    ...(trimmed !== undefined ? { path: trimmed } : {}),
    ...(value !== undefined ? { value } : {}),
  };
}

/**
 * Validates a PatchOp request body (RFC 7644 §3.5.2) and returns its operations with lower-cased op
 * names. Member names (`Operations`, `op`, `path`, `value`) and op names are matched
 * case-insensitively because Entra capitalises them. Errors: a body that is not a JSON object is
 * `invalidSyntax`; a missing PatchOp schema, a missing/empty/over-long `Operations` array, an unknown
 * op or an add/replace without value is `invalidValue`; a non-string path is `invalidPath`; a remove
 * without path is `noTarget`.
 */
export function parsePatchRequest(body: unknown, maxOperations = MAX_PATCH_OPERATIONS): PatchOperation[] {
  if (!isObject(body)) throw new ScimError("invalidSyntax", "The PATCH body must be a JSON object.");
  const schemas = member(body, "schemas");
  const listed =
    Array.isArray(schemas) &&
    schemas.some((s) => typeof s === "string" && foldCase(s) === foldCase(PATCH_OP_SCHEMA));
  if (!listed) {
    throw new ScimError("invalidValue", `The PATCH body's "schemas" must contain "${PATCH_OP_SCHEMA}".`);
  }
  const operations = member(body, "Operations");
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new ScimError("invalidValue", 'The PATCH body\'s "Operations" must be a non-empty array.');
  }
  if (operations.length > maxOperations) {
    throw new ScimError(
      "invalidValue",
      `The PATCH body has ${operations.length} operations; at most ${maxOperations} are allowed per request.`,
    );
  }
  return operations.map(parseOperation);
}
