import { ScimError } from "../errors/scim-error.js";
import { planMemberChanges } from "../membership/plan-member-changes.js";
import { derivedAttributes } from "../membership/read-memberships.js";
import { applyMemberChanges, propagateGroupName } from "../membership/write-memberships.js";
import { applyCompiledPatch, type CompiledPatch, compilePatch } from "../patch/apply-patch.js";
import { parsePatchRequest } from "../patch/parse-patch-request.js";
import { scimEquals } from "../schema/compare-values.js";
import { weakEtag } from "../schema/render-resource.js";
import { hashPassword } from "./build-document.js";
import { type Operation, type ResourceKind, resourceOf } from "./operation.js";
import { writePreconditions } from "./preconditions.js";
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

/**
 * PATCH /Users/{id}, PATCH /Groups/{id} (RFC 7644 §3.5.2). A missing resource is 404 whatever the
 * operations say. Operations are parsed and validated once, then re-applied to the freshest version
 * on every retry of the optimistic write, so two concurrent PATCHes both land. Users answer 200 with
 * the resource; groups 204 (with the ETag) unless the client asked for attributes (Entra reads
 * neither). A group's member changes are checked (every added member must exist) before any write,
 * and written as membership documents after the group's own; a rename reaches the members' `groups`.
 */
export function patchResource(kind: ResourceKind): Operation {
  return async (request, scope) => {
    const { type, store } = resourceOf(scope, kind);
    // A bad attributes/excludedAttributes is a 400 before anything is written, not after.
    projectionOf(request, type);
    if (request.body === undefined)
      throw new ScimError("invalidSyntax", "A PatchOp request body is required.");
    const id = request.params.id ?? "";
    const existing = await store.read(id);
    if (!existing) throw notFound(type, id);
    const compiled = compilePatch(parsePatchRequest(request.body), type, {
      externalAttributes: kind === "Group" ? [MEMBERS] : [],
    });
    const members = compiled.external[MEMBERS];
    const plan = members ? await planMemberChanges(scope.memberLookup, id, members) : undefined;
    // A PATCHed password is hashed like a POSTed one (once, not on every retry) and never kept in the resource.
    const password = passwordOf(compiled);
    const newHash = password ? await hashPassword(password) : undefined;
    const update = await updateWithRetry(
      scope.ctx,
      store,
      type,
      id,
      writePreconditions(request.header),
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
    let stored = update.stored;
    // The members are written after the group, on the strength of its If-Match (when it was not written).
    const claim = update.checked ? claimVersion(store, type, update.stored) : undefined;
    if (kind === "Group") {
      if (plan) stored = (await applyMemberChanges(scope, id, plan, claim)).group ?? stored;
      stored = await propagateGroupName(scope, stored);
    }
    const asked =
      queryParam(request.url, "attributes") !== undefined ||
      queryParam(request.url, "excludedAttributes") !== undefined;
    // RFC 5789 §2.1: a 204 still tells the new version, so an If-Match client need not re-read.
    if (kind === "Group" && !asked) return { status: 204, headers: { ETag: weakEtag(stored.etag) } };
    const extra = await derivedAttributes(scope, kind, stored, projectionOf(request, type), request.baseUrl);
    return respondWithResource(request, type, stored, 200, extra);
  };
}
