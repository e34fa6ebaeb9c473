import { ScimError } from "../errors/scim-error.js";
import { planMemberList } from "../membership/plan-member-changes.js";
import { derivedAttributes, renderMember } from "../membership/read-memberships.js";
import { applyMemberChanges } from "../membership/write-memberships.js";
import { parseResource } from "../schema/parse-resource.js";
import type { ScimObject } from "../schema/scim-json.js";
import { hashPassword } from "./build-document.js";
import { type Operation, type ResourceKind, resourceOf } from "./operation.js";
import { projectionOf, respondWithResource } from "./resource-responses.js";
import { updateWithRetry } from "./update-with-retry.js";

/**
 * PUT /Users/{id}, PUT /Groups/{id} (RFC 7644 §3.5.1): replaces every writable attribute; an
 * omitted password keeps the stored hash (clients cannot read it back to resend it). A group's
 * `members` (all checked before any write) replace the stored ones by difference.
 */
export function replaceResource(kind: ResourceKind): Operation {
  return async (request, scope) => {
    const { type, store } = resourceOf(scope, kind);
    if (request.body === undefined) throw new ScimError("invalidSyntax", "A request body is required.");
    const { resource: parsed, password } = parseResource(type, request.body);
    const passwordHash = password === undefined ? undefined : await hashPassword(password);
    const id = request.params.id ?? "";
    const { members, ...resource } = parsed;
    const plan = kind === "Group" ? await planMemberList(scope.memberLookup, id, members) : undefined;
    const ifMatch = request.header("if-match");
    const { stored } = await updateWithRetry(scope.ctx, store, type, id, ifMatch, (current) => ({
      resource: plan ? resource : parsed,
      passwordHash: passwordHash ?? current.passwordHash,
    }));
    let extra: ScimObject;
    if (plan) {
      const final = (await applyMemberChanges(scope, id, plan)) ?? [];
      extra = {
        members: final.map((m) => renderMember(request.baseUrl, { memberId: m.id, memberType: m.type })),
      };
    } else {
      extra = await derivedAttributes(scope, kind, id, projectionOf(request, type), request.baseUrl);
    }
    return respondWithResource(request, type, stored, 200, extra);
  };
}
