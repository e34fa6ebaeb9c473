import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { getResourceType } from "../shared/operations/discovery-operations.js";

app.http("resource-types-get", {
  methods: ["GET", "HEAD"],
  route: scimRoute("ResourceTypes/{id}"),
  authLevel: "anonymous",
  handler: scimHandler(getResourceType),
});
