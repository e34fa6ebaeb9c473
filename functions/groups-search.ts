import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { searchResources } from "../shared/operations/list-resources.js";

app.http("groups-search", {
  methods: ["POST"],
  route: scimRoute("Groups/.search"),
  authLevel: "anonymous",
  handler: scimHandler(searchResources("Group")),
});
