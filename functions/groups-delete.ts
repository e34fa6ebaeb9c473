import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { deleteResource } from "../shared/operations/delete-resource.js";

app.http("groups-delete", {
  methods: ["DELETE"],
  route: scimRoute("Groups/{id}"),
  authLevel: "anonymous",
  handler: scimHandler(deleteResource("Group")),
});
