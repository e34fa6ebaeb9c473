import { randomUUID } from "node:crypto";
import { ScimError } from "../errors/scim-error.js";
import { planMemberList } from "../membership/plan-member-changes.js";
import { renderMember } from "../membership/read-memberships.js";
import { createWithMembers, nameMark } from "../membership/write-memberships.js";
import { parseResource } from "../schema/parse-resource.js";
import { buildDocument, hashPassword } from "./build-document.js";
import { type Operation, type ResourceKind, resourceOf } from "./operation.js";
import { projectionOf, respondWithResource, tooLarge, uniquenessError } from "./resource-responses.js";

/**
 * POST /Users, POST /Groups (RFC 7644 §3.3): 201 with the full resource, Location and ETag. A
 * group's `members` are checked before anything is written and stored as membership documents
 * (in the order `createWithMembers` documents); the 201 shows `members: []` when there are none
 * (Entra expects it).
 */
export function createResource(kind: ResourceKind): Operation {
  return async (request, scope) => {
    const { type, store } = resourceOf(scope, kind);
    // A bad attributes/excludedAttributes is a 400 before anything is written, not after.
    projectionOf(request, type);
    if (request.body === undefined) throw new ScimError("invalidSyntax", "A request body is required.");
    const { resource: parsed, password } = parseResource(type, request.body);
    const id = randomUUID();
    const { members, ...resource } = parsed;
    const plan = kind === "Group" ? await planMemberList(scope.memberLookup, id, members) : undefined;
    const now = new Date().toISOString();
    const doc = buildDocument(type, {
      id,
      resource: plan ? resource : parsed,
      created: now,
      lastModified: now,
      passwordHash: password === undefined ? undefined : await hashPassword(password),
      // A new group's members get its current name with their `groups` entry.
      ...(plan ? { kept: { namesPropagated: nameMark(String(parsed.displayName ?? "")) } } : {}),
    });
    if (!plan) {
      const result = await store.create(doc);
      if (!result.ok)
        throw result.reason === "tooLarge" ? tooLarge(type, result.size) : uniquenessError(type, parsed);
      return respondWithResource(request, type, result.value, 201);
    }
    const { created, members: stored } = await createWithMembers(scope, id, plan.replace ?? [], () =>
      store.create(doc),
    );
    if (!created.ok)
      throw created.reason === "tooLarge" ? tooLarge(type, created.size) : uniquenessError(type, parsed);
    const rendered = stored.map((m) => renderMember(request.baseUrl, { memberId: m.id, memberType: m.type }));
    return respondWithResource(request, type, created.value, 201, { members: rendered });
  };
}
