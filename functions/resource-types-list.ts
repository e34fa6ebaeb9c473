import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { listResourceTypes } from "../shared/operations/discovery-operations.js";

app.http("resource-types-list", {
  methods: ["GET", "HEAD"],
  route: scimRoute("ResourceTypes"),
  authLevel: "anonymous",
  handler: scimHandler(listResourceTypes),
});
