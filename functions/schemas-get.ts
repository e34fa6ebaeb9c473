import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { getSchema } from "../shared/operations/discovery-operations.js";

app.http("schemas-get", {
  methods: ["GET", "HEAD"],
  route: scimRoute("Schemas/{id}"),
  authLevel: "anonymous",
  handler: scimHandler(getSchema),
});
