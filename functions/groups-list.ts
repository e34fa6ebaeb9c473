import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { listResources } from "../shared/operations/list-resources.js";

app.http("groups-list", {
  methods: ["GET", "HEAD"],
  route: scimRoute("Groups"),
  authLevel: "anonymous",
  handler: scimHandler(listResources("Group")),
});
