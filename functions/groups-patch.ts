import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { patchResource } from "../shared/operations/patch-resource.js";

app.http("groups-patch", {
  methods: ["PATCH"],
  route: scimRoute("Groups/{id}"),
  authLevel: "anonymous",
  handler: scimHandler(patchResource("Group")),
});
