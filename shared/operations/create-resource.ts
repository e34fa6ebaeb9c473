import { randomUUID } from "node:crypto";
import { ScimError } from "../errors/scim-error.js";
import type { Operation } from "../http/scim-handler.js";
import { storeNewMembers } from "../members/store-members.js";
import { takeMembers } from "../members/take-members.js";
import { parseResource } from "../schema/parse-resource.js";
import { buildDocument, hashPassword } from "./build-document.js";
import { type ResourceKind, resourceOf } from "./resource-kind.js";
import { respondWithResource } from "./respond-with-resource.js";
import { uniquenessError } from "./uniqueness-error.js";

/**
 * POST /Users, POST /Groups (RFC 7644 §3.3): 201 with the full resource, Location and ETag. A
 * group's `members` are checked before anything is written and stored as membership documents.
 */
export function createResource(kind: ResourceKind): Operation {
  return async (request, services, tenantId) => {
    const { type, store } = resourceOf(services, kind);
    if (request.body === undefined) throw new ScimError("invalidSyntax", "A request body is required.");
    const { resource, password } = parseResource(type, request.body);
    const id = randomUUID();
    const taken = await takeMembers(services, tenantId, kind, id, resource);
    const now = new Date().toISOString();
    const doc = buildDocument(type, {
      id,
      tenantId,
      resource: taken.resource,
      created: now,
      lastModified: now,
      pw: password === undefined ? undefined : hashPassword(password),
    });
    const result = await store.create(doc);
    if (!result.ok) throw uniquenessError(type, resource);
    const extra = taken.members
      ? await storeNewMembers(services, tenantId, id, taken.members, request.baseUrl)
      : {};
    return respondWithResource(request, type, result.value, 201, extra);
  };
}
