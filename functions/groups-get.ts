import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { getResource } from "../shared/operations/get-resource.js";

app.http("groups-get", {
  methods: ["GET"],
  route: "Groups/{id}",
  authLevel: "anonymous",
  handler: scimHandler(getResource("Group")),
});
