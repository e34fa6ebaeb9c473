import { ScimError } from "../errors/scim-error.js";
import type { Operation } from "../http/scim-handler.js";
import { derivedAttributes } from "../members/derived-attributes.js";
import { MEMBERS, memberChangesOf } from "../members/member-changes-of.js";
import { applyMemberChanges, planMemberChanges } from "../members/member-changes-plan.js";
import { applyPatch } from "../patch/apply-patch.js";
import { parsePatchRequest } from "../patch/parse-patch-request.js";
import { hashPassword } from "./build-document.js";
import { type ResourceKind, resourceOf } from "./resource-kind.js";
import { respondWithResource } from "./respond-with-resource.js";
import { updateWithRetry } from "./update-with-retry.js";

/**
 * PATCH /Users/{id}, PATCH /Groups/{id} (RFC 7644 §3.5.2). Operations are parsed and validated
 * once, then re-applied to the freshest version on every retry of the optimistic write, so two
 * concurrent PATCHes both land. Users answer 200 with the resource; groups 204 unless the client
 * asked for attributes (Entra reads neither). A group's member changes are checked (every added
 * member must exist) before any write, and written as membership documents after the group's own.
 */
export function patchResource(kind: ResourceKind): Operation {
  return async (request, services, tenantId) => {
    const { type, store } = resourceOf(services, kind);
    if (request.body === undefined)
      throw new ScimError("invalidSyntax", "A PatchOp request body is required.");
    const operations = parsePatchRequest(request.body);
    const id = request.params.id ?? "";
    const external = kind === "Group" ? [MEMBERS] : [];
    const plan =
      kind === "Group"
        ? await planMemberChanges(services, tenantId, id, memberChangesOf(operations, type))
        : undefined;
    const { stored } = await updateWithRetry(
      store,
      type,
      tenantId,
      id,
      request.header("if-match"),
      (current) => {
        const { meta: _meta, ...resource } = current.r;
        const result = applyPatch(resource, operations, type, { externalAttributes: external });
        const { password, ...patched } = result.resource;
        // A PATCHed password is hashed like a POSTed one and never kept in the resource.
        const pw = typeof password === "string" && password !== "" ? hashPassword(password) : current.pw;
        return result.changed ? { resource: patched, pw } : undefined;
      },
    );
    if (plan) await applyMemberChanges(services, tenantId, id, plan);
    const asked =
      request.url.searchParams.has("attributes") || request.url.searchParams.has("excludedAttributes");
    if (kind === "Group" && !asked) return { status: 204 };
    const extra = await derivedAttributes(request, services, tenantId, kind, id);
    return respondWithResource(request, type, stored, 200, extra);
  };
}
