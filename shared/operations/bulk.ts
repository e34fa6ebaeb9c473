import { ScimError } from "../errors/scim-error.js";
import { decodePathSegment } from "../http/scim-path.js";
import { foldCase, sameName } from "../schema/compare-values.js";
import { isObject, type ScimObject, type ScimValue } from "../schema/scim-json.js";
import { createResource } from "./create-resource.js";
import { deleteResource } from "./delete-resource.js";
import type { Operation, ResourceKind, ScimRequest, ScimResponse, Scope } from "./operation.js";
import { patchResource } from "./patch-resource.js";
import { replaceResource } from "./replace-resource.js";

/**
 * POST /Bulk (RFC 7644 §3.7): many operations in one request, each run by the very operation that
 * serves it alone (so each is validated exactly as its single-request form), in an order that puts
 * every operation after the POSTs whose `bulkId` it references (§3.7.2).
 */

export const BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
export const BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

type Method = "POST" | "PUT" | "PATCH" | "DELETE";

interface BulkOp {
  index: number;
  method: Method;
  bulkId: string | undefined;
  version: string | undefined;
  path: string;
  data: unknown;
  /** The bulkIds this operation's path and data reference. */
  needs: Set<string>;
}

/** The operation serving `method` on `kind`, as the functions register them. */
const HANDLERS: Record<ResourceKind, Record<Method, Operation>> = {
  User: {
    POST: createResource("User"),
    PUT: replaceResource("User"),
    PATCH: patchResource("User"),
    DELETE: deleteResource("User"),
  },
  Group: {
    POST: createResource("Group"),
    PUT: replaceResource("Group"),
    PATCH: patchResource("Group"),
    DELETE: deleteResource("Group"),
  },
};

const BULK_ID_REF = /^bulkId:(.+)$/;

/** Every `bulkId:<id>` string in a JSON value (a member's value, a manager's value, anywhere). */
function references(value: unknown, out: Set<string>) {
  if (typeof value === "string") {
    const ref = BULK_ID_REF.exec(value)?.[1];
    if (ref !== undefined) out.add(ref);
  } else if (Array.isArray(value)) {
    for (const item of value) references(item, out);
  } else if (isObject(value)) {
    for (const item of Object.values(value)) references(item, out);
  }
  return out;
}

/** The JSON value with every `bulkId:<id>` replaced by the id that POST created. */
function resolve(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") {
    const ref = BULK_ID_REF.exec(value)?.[1];
    return ref !== undefined && ids.has(ref) ? ids.get(ref) : value;
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, ids));
  if (isObject(value)) {
    const out: ScimObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = resolve(item, ids) as ScimValue;
    return out;
  }
  return value;
}

/** A member by name, any case; null is no value (RFC 7643 §2.5), as clients serialising every member send it. */
const member = (object: ScimObject, name: string) =>
  Object.entries(object).find(([key, value]) => value !== null && sameName(key, name))?.[1];

function parseOperations(body: unknown, maxOperations: number): { ops: BulkOp[]; failOnErrors: number } {
  if (!isObject(body)) throw new ScimError("invalidSyntax", "The BulkRequest body must be a JSON object.");
  const schemas = member(body, "schemas");
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === "string" && sameName(s, BULK_REQUEST))) {
    throw new ScimError("invalidValue", `A BulkRequest must list '${BULK_REQUEST}' in 'schemas'.`);
  }
  const operations = member(body, "Operations");
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new ScimError("invalidValue", "A BulkRequest needs a non-empty 'Operations' array.");
  }
  if (operations.length > maxOperations) {
    // RFC 7644 §3.7.4: over maxOperations is 413, with the limit in the detail.
    throw new ScimError(
      "payloadTooLarge",
      `The bulk request has ${operations.length} operations; the maximum is ${maxOperations} (maxOperations).`,
    );
  }
  const failOnErrors = member(body, "failOnErrors");
  if (
    failOnErrors !== undefined &&
    (typeof failOnErrors !== "number" || !Number.isInteger(failOnErrors) || failOnErrors < 1)
  ) {
    throw new ScimError("invalidValue", "'failOnErrors' must be a positive integer.");
  }
  const seen = new Set<string>();
  const ops = operations.map((raw, index): BulkOp => {
    const where = `Operations[${index}]`;
    if (!isObject(raw)) throw new ScimError("invalidSyntax", `${where} must be a JSON object.`);
    const method = member(raw, "method");
    const upper = typeof method === "string" ? method.toUpperCase() : "";
    if (!["POST", "PUT", "PATCH", "DELETE"].includes(upper)) {
      throw new ScimError("invalidValue", `${where}.method must be POST, PUT, PATCH or DELETE.`);
    }
    const path = member(raw, "path");
    if (typeof path !== "string" || !path.startsWith("/")) {
      throw new ScimError(
        "invalidPath",
        `${where}.path must be a resource path such as /Users or /Users/<id>.`,
      );
    }
    const bulkId = member(raw, "bulkId");
    if (bulkId !== undefined && (typeof bulkId !== "string" || bulkId === "")) {
      throw new ScimError("invalidValue", `${where}.bulkId must be a non-empty string.`);
    }
    if (upper === "POST" && bulkId === undefined) {
      throw new ScimError("invalidValue", `${where}: a POST needs a bulkId (RFC 7644 §3.7).`);
    }
    if (typeof bulkId === "string") {
      if (seen.has(bulkId)) throw new ScimError("invalidValue", `${where}.bulkId "${bulkId}" is used twice.`);
      seen.add(bulkId);
    }
    const version = member(raw, "version");
    // Dropping a version that is not text would run the operation without its precondition.
    if (version !== undefined && typeof version !== "string") {
      throw new ScimError(
        "invalidValue",
        `${where}.version must be a string (an ETag, as meta.version gives).`,
      );
    }
    const data = member(raw, "data");
    return {
      index,
      method: upper as Method,
      bulkId: bulkId as string | undefined,
      version,
      path,
      data,
      needs: references(data, references(path.split("/"), new Set())),
    };
  });
  return { ops, failOnErrors: (failOnErrors as number | undefined) ?? Number.POSITIVE_INFINITY };
}

/**
 * The order to run operations in: each after the POSTs it references, otherwise as sent. Operations
 * on a cycle of references, or depending on one, cannot be ordered: they answer 409 (§3.7.1).
 */
function order(ops: readonly BulkOp[]): { ordered: BulkOp[]; circular: Set<BulkOp> } {
  // Only a POST's bulkId names a resource (§3.7.2): a reference to another operation's bulkId is
  // no dependency (it fails as undefined, 400), so it neither reorders nor makes a cycle (409).
  const byBulkId = new Map(
    ops
      .filter((op) => op.bulkId !== undefined && op.method === "POST")
      .map((op) => [op.bulkId as string, op]),
  );
  const state = new Map<BulkOp, "visiting" | "done">();
  const ordered: BulkOp[] = [];
  const circular = new Set<BulkOp>();
  const visit = (op: BulkOp, stack: BulkOp[]): boolean => {
    const seen = state.get(op);
    if (seen === "done") return !circular.has(op);
    if (seen === "visiting") {
      for (const onCycle of stack.slice(stack.indexOf(op))) circular.add(onCycle);
      return false;
    }
    state.set(op, "visiting");
    let ok = true;
    for (const ref of op.needs) {
      const target = byBulkId.get(ref);
      if (target && target !== op && !visit(target, [...stack, op])) ok = false;
      if (target === op) ok = false;
    }
    state.set(op, "done");
    if (ok) ordered.push(op);
    else circular.add(op);
    return ok;
  };
  for (const op of ops) visit(op, []);
  return { ordered, circular };
}

interface Result {
  method: Method;
  bulkId?: string;
  location?: string;
  version?: string;
  status: string;
  response?: ScimObject;
}

/**
 * The resource's URI. `id` is decoded: a failed operation's comes from the client's path, so it may
 * hold a space, "/", "?" or "#"; encoded, `location` stays a URI naming that path (RFC 7644 §3.7.3).
 * The ids the server creates are UUIDs, which encoding leaves as they are.
 */
const locationOf = (baseUrl: string, kind: ResourceKind, id: string) =>
  `${baseUrl}/${kind === "User" ? "Users" : "Groups"}/${encodeURIComponent(id)}`;

/** The resource type and path an operation addresses, its bulkIds resolved; invalidPath if it names neither. */
function target(op: BulkOp, ids: ReadonlyMap<string, string>) {
  const path = (resolve(op.path.split("/"), ids) as string[]).join("/");
  const [, endpoint = "", id, ...extra] = path.split("/");
  const kind: ResourceKind | undefined = sameName(endpoint, "Users")
    ? "User"
    : sameName(endpoint, "Groups")
      ? "Group"
      : undefined;
  const wantsId = op.method !== "POST";
  if (!kind || extra.length > 0 || (wantsId ? !id : id !== undefined)) {
    throw new ScimError(
      "invalidPath",
      `Operations[${op.index}].path '${op.path}' must be ${wantsId ? "/Users/<id> or /Groups/<id>" : "/Users or /Groups"} for ${op.method}.`,
    );
  }
  return { kind, path, id: id === undefined ? undefined : decodePathSegment(id) };
}

/**
 * A failed operation's result. §3.7.3 requires `location` in every result but a failed POST's: a
 * failed PUT, PATCH or DELETE names the resource it addressed, when its path names one. Only the
 * path's bulkIds decide that: a PATCH of a group named by id whose `data` references a failed POST
 * still addressed that group.
 */
function failure(op: BulkOp, error: ScimError, ids: ReadonlyMap<string, string>, baseUrl: string): Result {
  let location: string | undefined;
  const pathNeeds = references(op.path.split("/"), new Set());
  if (op.method !== "POST" && [...pathNeeds].every((ref) => ids.has(ref))) {
    try {
      const { kind, id } = target(op, ids);
      if (id !== undefined) location = locationOf(baseUrl, kind, id);
    } catch {
      // A path naming no resource has no location.
    }
  }
  return {
    method: op.method,
    ...(op.bulkId ? { bulkId: op.bulkId } : {}),
    ...(location ? { location } : {}),
    status: String(error.status),
    response: { ...error.body() },
  };
}

/** Runs one operation as its own function would, and reports it the way §3.7.3 shows. */
async function run(
  op: BulkOp,
  ids: ReadonlyMap<string, string>,
  request: ScimRequest,
  scope: Scope,
): Promise<Result> {
  const { kind, path, id } = target(op, ids);
  const data = op.data === undefined ? undefined : resolve(op.data, ids);
  if (op.method !== "DELETE" && data !== undefined) {
    const bytes = Buffer.byteLength(JSON.stringify(data));
    if (bytes > scope.config.maxBodyBytes) {
      throw new ScimError(
        "payloadTooLarge",
        `Operations[${op.index}].data exceeds ${scope.config.maxBodyBytes} bytes.`,
      );
    }
  }
  const params: Record<string, string> = id === undefined ? {} : { id };
  const single: ScimRequest = {
    method: op.method,
    url: new URL(`${request.baseUrl}${path}`),
    header: (name) => (foldCase(name) === "if-match" ? op.version : undefined),
    params,
    body: data,
    baseUrl: request.baseUrl,
  };
  const response: ScimResponse = await HANDLERS[kind][op.method](single, scope);
  const createdId = op.method === "POST" ? String(response.body?.id ?? "") : params.id;
  return {
    method: op.method,
    ...(op.bulkId ? { bulkId: op.bulkId } : {}),
    ...(createdId ? { location: locationOf(request.baseUrl, kind, createdId) } : {}),
    ...(response.headers?.ETag ? { version: response.headers.ETag } : {}),
    status: String(response.status),
  };
}

/**
 * POST /Bulk (RFC 7644 §3.7). Answers 200 with a BulkResponse listing each operation's outcome in
 * the order the request listed them; stops once `failOnErrors` operations have failed (those not
 * run are left out). An operation referencing a bulkId whose POST failed fails too (409, as the
 * reference cannot be resolved). Limits (§3.7.4): `maxOperations`, and `maxPayloadSize` on the body.
 */
export const bulk: Operation = async (request, scope) => {
  const { ops, failOnErrors } = parseOperations(request.body, scope.config.bulk.maxOperations);
  const { ordered, circular } = order(ops);
  const results = new Map<BulkOp, Result>();
  const ids = new Map<string, string>();
  let errors = 0;
  // Operations on a cycle never run; each fails where the request listed it, so that `failOnErrors`
  // stops the run at the same point as for any other failure.
  const cycle = [...circular].sort((a, b) => a.index - b.index);
  const failCircularBefore = (index: number) => {
    while (cycle.length > 0 && (cycle[0] as BulkOp).index < index && errors < failOnErrors) {
      const op = cycle.shift() as BulkOp;
      const error = new ScimError(
        "conflict",
        `Operations[${op.index}] is part of, or depends on, a circular bulkId reference (RFC 7644 §3.7.1).`,
      );
      results.set(op, failure(op, error, ids, request.baseUrl));
      errors++;
    }
  };
  let interrupted = false;
  for (const op of ordered) {
    failCircularBefore(op.index);
    if (errors >= failOnErrors) break;
    const missing = [...op.needs].find((ref) => !ids.has(ref));
    let result: Result;
    try {
      if (missing !== undefined) {
        // Only a POST's bulkId names a resource (§3.7.2); another operation's bulkId is no reference.
        const posted = ops.some((o) => o.bulkId === missing && o.method === "POST");
        throw posted
          ? new ScimError(
              "conflict",
              `Operations[${op.index}] references bulkId "${missing}", whose operation failed.`,
            )
          : new ScimError(
              "invalidValue",
              `Operations[${op.index}] references bulkId "${missing}", which no POST in this request defines.`,
            );
      }
      result = await run(op, ids, request, scope);
      if (op.method === "POST" && op.bulkId && result.location)
        ids.set(op.bulkId, result.location.split("/").pop() as string);
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      result = failure(op, error, ids, request.baseUrl);
      errors++;
      // Throttling or an outage ends the run here, reported on this operation: what ran before it
      // stays done and is listed, so the client retries exactly what did not run.
      if (error.status === 429 || error.status === 503) {
        interrupted = true;
        results.set(op, result);
        break;
      }
    }
    results.set(op, result);
  }
  if (!interrupted) failCircularBefore(Number.POSITIVE_INFINITY);
  const Operations = ops.filter((op) => results.has(op)).map((op) => results.get(op) as Result);
  return {
    status: 200,
    body: { schemas: [BULK_RESPONSE], Operations: Operations as unknown as ScimValue[] },
  };
};
