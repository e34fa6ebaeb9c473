import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { getResourceType } from "../shared/operations/discovery-operations.js";

app.http("resource-types-get", {
  methods: ["GET"],
  route: "ResourceTypes/{id}",
  authLevel: "anonymous",
  handler: scimHandler(getResourceType),
});
