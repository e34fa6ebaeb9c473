import { ScimError } from "../errors/scim-error.js";
import { planMemberChanges } from "../membership/plan-member-changes.js";
import { derivedAttributes } from "../membership/read-memberships.js";
import { applyMemberChanges, propagateGroupName } from "../membership/write-memberships.js";
import { applyCompiledPatch, type CompiledPatch, compilePatch } from "../patch/apply-patch.js";
import { parsePatchRequest } from "../patch/parse-patch-request.js";
import { scimEquals } from "../schema/compare-values.js";
import { weakEtag } from "../schema/render-resource.js";
import type { StoredResource } from "../store/documents.js";
import { hashPassword } from "./build-document.js";
import { type Operation, type ResourceKind, resourceOf } from "./operation.js";
import { type WritePreconditions, writePreconditions } from "./preconditions.js";
import { queryParam } from "./query-params.js";
import { notFound, projectionOf, respondWithResource } from "./resource-responses.js";
import { claimVersion, updateWithRetry } from "./update-with-retry.js";

/** The Group attribute kept outside the resource document: one membership document per member. */
const MEMBERS = "members";

/**
 * The password a PATCH leaves (RFC 7643 §4.1.1 writeOnly): a new one, null when an operation
 * removes it (a remove, or a replace with null: RFC 7644 §3.5.2.2, the attribute is then
 * unassigned, so its hash must go too), undefined when no operation touches it. The last wins.
 * An operation setting "" is left out, as a POST or PUT leaves out `"password": ""`: it neither
 * sets nor removes a password (parse-resource.ts), so the stored hash stays.
 */
function passwordOf(compiled: CompiledPatch<string>): string | null | undefined {
  let password: string | null | undefined;
  for (const action of compiled.actions) {
    const { target } = action;
    if (target.attribute.name !== "password" || target.container !== undefined) continue;
    if (action.kind === "unset") password = null;
    else if (action.kind === "set" && typeof action.value === "string" && action.value !== "")
      password = action.value;
  }
  return password;
}

/** The ids this server gives resources (`randomUUID`): only such an id can name a stored group. */
const SERVER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Whether a Group PATCH can write its member changes without reading the group first: it only
 * adds or removes members (Entra's member PATCH), with no precondition to check against a read,
 * on an id this server could have given (a membership's id is the group's id joined to the
 * member's, so a client-made one is never written). The group's `meta` bump after the membership
 * writes is the re-check the write protocol relies on anyway (a group missing then is 404, and the
 * memberships go again), so the read before them only cost a Cosmos DB call.
 */
const membersOnly = (id: string, compiled: CompiledPatch<string>, conditions: WritePreconditions) =>
  SERVER_ID.test(id) &&
  compiled.actions.length === 0 &&
  compiled.external[MEMBERS]?.removeAll === false &&
  conditions.ifMatch === undefined &&
  conditions.ifNoneMatch === undefined;

/**
 * PATCH /Users/{id}, PATCH /Groups/{id} (RFC 7644 §3.5.2). A missing resource is 404 whatever the
 * operations say. Operations are parsed and validated once, then re-applied to the freshest version
 * on every retry of the optimistic write, so two concurrent PATCHes both land. Users answer 200 with
 * the resource; groups 204 (with the ETag) unless the client asked for attributes (Entra reads
 * neither). A group's member changes are checked (every added member must exist) before any write,
 * and written as membership documents after the group's own; a rename reaches the members' `groups`.
 * A PATCH that only changes members reads the group only when nothing changed (for its ETag) or
 * the request failed (to tell 404 from 400).
 */
export function patchResource(kind: ResourceKind): Operation {
  return async (request, scope) => {
    const { type, store } = resourceOf(scope, kind);
    // A bad attributes/excludedAttributes is a 400 before anything is written, not after.
    projectionOf(request, type);
    if (request.body === undefined)
      throw new ScimError("invalidSyntax", "A PatchOp request body is required.");
    const id = request.params.id ?? "";
    // A missing resource is 404 however bad the operations are: an invalid request reads it to say which.
    const unlessMissing = async (error: unknown): Promise<never> => {
      if (error instanceof ScimError && error.status < 500 && !(await store.read(id)))
        throw notFound(type, id);
      throw error;
    };
    let compiled: CompiledPatch<string>;
    try {
      compiled = compilePatch(parsePatchRequest(request.body), type, {
        externalAttributes: kind === "Group" ? [MEMBERS] : [],
      });
    } catch (error) {
      return unlessMissing(error);
    }
    const conditions = writePreconditions(request.header);
    const unread = kind === "Group" && membersOnly(id, compiled, conditions);
    const existing = unread ? undefined : await store.read(id);
    if (!unread && !existing) throw notFound(type, id);
    const members = compiled.external[MEMBERS];
    const planned = members ? planMemberChanges(scope.memberLookup, id, members) : undefined;
    const plan = await (unread ? planned?.catch(unlessMissing) : planned);
    let stored: StoredResource;
    if (unread) {
      // Undefined when nothing changed and no member was re-added: the group is read then, for its
      // ETag (or 404).
      const changed = plan ? (await applyMemberChanges(scope, id, plan)).group : undefined;
      const group = changed ?? (await store.read(id));
      if (!group) throw notFound(type, id);
      stored = group;
    } else {
      // A PATCHed password is hashed like a POSTed one (once, not on every retry) and never kept in the resource.
      const password = passwordOf(compiled);
      const newHash = password ? await hashPassword(password) : undefined;
      const update = await updateWithRetry(
        scope.ctx,
        store,
        type,
        id,
        conditions,
        (current) => {
          const { meta: _meta, ...resource } = current.resource;
          const result = applyCompiledPatch(resource, compiled, type, scope.ctx.work);
          const { password: setTo, ...patched } = result.resource;
          // The password never stays in the resource: a new one changes the hash alone, and "" (no
          // password, as in a POST or PUT) leaves it as it is, so on its own it writes nothing.
          const changed =
            setTo === undefined ? result.changed : newHash !== undefined || !scimEquals(resource, patched);
          // The hash is not in the resource, so removing the password changes the document alone.
          const clearsHash = password === null && current.passwordHash !== undefined;
          if (!changed && !clearsHash) return undefined;
          return {
            resource: patched,
            passwordHash: password === null ? undefined : (newHash ?? current.passwordHash),
          };
        },
        existing,
      );
      stored = update.stored;
      // The members are written after the group, on the strength of its If-Match (when it was not written).
      const claim = update.checked ? claimVersion(store, type, update.stored) : undefined;
      if (plan) stored = (await applyMemberChanges(scope, id, plan, claim)).group ?? stored;
    }
    if (kind === "Group") stored = await propagateGroupName(scope, stored);
    const asked =
      queryParam(request.url, "attributes") !== undefined ||
      queryParam(request.url, "excludedAttributes") !== undefined;
    // RFC 5789 §2.1: a 204 still tells the new version, so an If-Match client need not re-read.
    if (kind === "Group" && !asked) return { status: 204, headers: { ETag: weakEtag(stored.etag) } };
    const extra = await derivedAttributes(scope, kind, stored, projectionOf(request, type), request.baseUrl);
    return respondWithResource(request, type, stored, 200, extra);
  };
}
