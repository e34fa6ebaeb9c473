import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { searchResources } from "../shared/operations/list-resources.js";

app.http("users-search", {
  methods: ["POST"],
  route: scimRoute("Users/.search"),
  authLevel: "anonymous",
  handler: scimHandler(searchResources("User")),
});
