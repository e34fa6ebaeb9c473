import { randomBytes, scrypt } from "node:crypto";
import { promisify } from "node:util";
import { normalizeResource } from "../schema/normalize-resource.js";
import type { ResourceType } from "../schema/resource-type.js";
import type { ScimObject } from "../schema/scim-json.js";
import type { StoredResource } from "../store/documents.js";
import type { NewDocument } from "../store/resource-store.js";

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/**
 * A one-way hash of a provisioned password: the server never needs it back, so never keep it.
 * Asynchronous (libuv's thread pool), so hashing never blocks the requests sharing the instance;
 * computed once per request, outside any retry loop.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString("base64")}$${(await scryptAsync(password, salt, 32)).toString("base64")}`;
}

export interface DocumentInput {
  id: string;
  resource: ScimObject;
  created: string;
  lastModified: string;
  passwordHash: string | undefined;
  /** What the membership writes keep beside the resource; a rewrite of the resource keeps it. */
  kept?: Pick<StoredResource, "groups" | "groupsOverflow" | "namesPropagated">;
}

/** Builds the stored document: the resource, its comparison form, and meta timestamps in both. */
export function buildDocument(type: ResourceType, input: DocumentInput): NewDocument {
  const resource: ScimObject = {
    ...input.resource,
    meta: { created: input.created, lastModified: input.lastModified },
  };
  return {
    id: input.id,
    resource,
    normalized: normalizeResource(type, resource),
    ...(input.passwordHash ? { passwordHash: input.passwordHash } : {}),
    ...(input.kept?.groups?.length ? { groups: input.kept.groups } : {}),
    ...(input.kept?.groupsOverflow ? { groupsOverflow: true as const } : {}),
    ...(input.kept?.namesPropagated !== undefined ? { namesPropagated: input.kept.namesPropagated } : {}),
  };
}
