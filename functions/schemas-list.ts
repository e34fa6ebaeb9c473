import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { listSchemas } from "../shared/operations/discovery-operations.js";

app.http("schemas-list", {
  methods: ["GET", "HEAD"],
  route: scimRoute("Schemas"),
  authLevel: "anonymous",
  handler: scimHandler(listSchemas),
});
