import type { ResourceType } from "../schema/resource-type.js";
import type { Services } from "../services.js";
import type { ResourceStore } from "../store/resource-store.js";

export type ResourceKind = "User" | "Group";

/** The schema and store for a kind of resource, picked from the services. */
export function resourceOf(
  services: Services,
  kind: ResourceKind,
): { type: ResourceType; store: ResourceStore } {
  return kind === "User"
    ? { type: services.resourceTypes.User, store: services.users }
    : { type: services.resourceTypes.Group, store: services.groups };
}
