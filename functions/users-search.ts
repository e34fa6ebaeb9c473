import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { searchResources } from "../shared/operations/list-resources.js";

app.http("users-search", {
  methods: ["POST"],
  route: "Users/.search",
  authLevel: "anonymous",
  handler: scimHandler(searchResources("User")),
});
