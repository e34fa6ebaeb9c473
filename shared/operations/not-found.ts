import { ScimError } from "../errors/scim-error.js";
import type { ResourceType } from "../schema/resource-type.js";

export const notFound = (type: ResourceType, id: string) =>
  new ScimError("notFound", `${type.name} ${JSON.stringify(id)} not found.`);
