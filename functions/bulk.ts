import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { bulk } from "../shared/operations/bulk.js";

app.http("bulk", {
  methods: ["POST"],
  route: scimRoute("Bulk"),
  authLevel: "anonymous",
  handler: scimHandler(bulk, (config) => config.bulk.maxPayloadBytes),
});
