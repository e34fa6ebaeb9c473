import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { listResources } from "../shared/operations/list-resources.js";

app.http("groups-list", {
  methods: ["GET"],
  route: "Groups",
  authLevel: "anonymous",
  handler: scimHandler(listResources("Group")),
});
