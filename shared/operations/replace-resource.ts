import { ScimError } from "../errors/scim-error.js";
import { planMemberList } from "../membership/plan-member-changes.js";
import { derivedAttributes, renderMember } from "../membership/read-memberships.js";
import { applyMemberChanges, propagateGroupName } from "../membership/write-memberships.js";
import { scimEquals } from "../schema/compare-values.js";
import { keepImmutable } from "../schema/keep-immutable.js";
import { parseResource } from "../schema/parse-resource.js";
import { renderResource } from "../schema/render-resource.js";
import type { ScimObject } from "../schema/scim-json.js";
import { hashPassword } from "./build-document.js";
import { type Operation, type ResourceKind, resourceOf } from "./operation.js";
import { writePreconditions } from "./preconditions.js";
import { notFound, projectionOf, respondWithResource } from "./resource-responses.js";
import { claimVersion, updateWithRetry } from "./update-with-retry.js";

/**
 * PUT /Users/{id}, PUT /Groups/{id} (RFC 7644 §3.5.1): replaces every writable attribute; an
 * omitted password keeps the stored hash (clients cannot read it back to resend it), and an
 * immutable value must be sent unchanged or left out (`keepImmutable`). A group's
 * `members` (all checked before any write) replace the stored ones by difference. A PUT that
 * changes nothing writes nothing.
 */
export function replaceResource(kind: ResourceKind): Operation {
  return async (request, scope) => {
    const { type, store } = resourceOf(scope, kind);
    // A bad attributes/excludedAttributes is a 400 before anything is written, not after.
    projectionOf(request, type);
    if (request.body === undefined) throw new ScimError("invalidSyntax", "A request body is required.");
    const id = request.params.id ?? "";
    const existing = await store.read(id);
    if (!existing) throw notFound(type, id);
    const { resource: parsed, password } = parseResource(type, request.body);
    const passwordHash = password === undefined ? undefined : await hashPassword(password);
    const { members, ...resource } = parsed;
    const plan = kind === "Group" ? await planMemberList(scope.memberLookup, id, members) : undefined;
    const update = await updateWithRetry(
      scope.ctx,
      store,
      type,
      id,
      writePreconditions(request.header),
      (current) => {
        const { meta: _meta, ...stored } = current.resource;
        const next = keepImmutable(type, stored, plan ? resource : parsed);
        // RFC 7643 §3.1: lastModified moves only when the details change. A PUT of what a GET shows
        // (a manager's `$ref` is the server's own) and no password (its hash is salted anew) writes
        // nothing and keeps the version, as a PATCH that changes nothing does.
        const shown = (r: ScimObject) => renderResource(type, { id, resource: r, etag: "" }, request.baseUrl);
        if (passwordHash === undefined && scimEquals(shown(stored), shown(next))) return undefined;
        return { resource: next, passwordHash: passwordHash ?? current.passwordHash };
      },
      existing,
    );
    let stored = update.stored;
    // The members are written after the group, on the strength of its If-Match (when it was not written).
    const claim = update.checked ? claimVersion(store, type, update.stored) : undefined;
    let extra: ScimObject;
    if (plan) {
      const applied = await applyMemberChanges(scope, id, plan, claim);
      stored = applied.group ?? stored;
      stored = await propagateGroupName(scope, stored);
      extra = {
        members: (applied.members ?? []).map((m) =>
          renderMember(request.baseUrl, { memberId: m.id, memberType: m.type }),
        ),
      };
    } else {
      extra = await derivedAttributes(scope, kind, stored, projectionOf(request, type), request.baseUrl);
    }
    return respondWithResource(request, type, stored, 200, extra);
  };
}
