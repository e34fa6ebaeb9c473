import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { patchResource } from "../shared/operations/patch-resource.js";

app.http("groups-patch", {
  methods: ["PATCH"],
  route: "Groups/{id}",
  authLevel: "anonymous",
  handler: scimHandler(patchResource("Group")),
});
