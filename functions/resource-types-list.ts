import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { listResourceTypes } from "../shared/operations/discovery-operations.js";

app.http("resource-types-list", {
  methods: ["GET"],
  route: "ResourceTypes",
  authLevel: "anonymous",
  handler: scimHandler(listResourceTypes),
});
