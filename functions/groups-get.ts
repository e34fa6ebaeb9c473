import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { getResource } from "../shared/operations/get-resource.js";

app.http("groups-get", {
  methods: ["GET", "HEAD"],
  route: scimRoute("Groups/{id}"),
  authLevel: "anonymous",
  handler: scimHandler(getResource("Group")),
});
