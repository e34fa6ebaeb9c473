import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { listSchemas } from "../shared/operations/discovery-operations.js";

app.http("schemas-list", {
  methods: ["GET"],
  route: "Schemas",
  authLevel: "anonymous",
  handler: scimHandler(listSchemas),
});
