import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { deleteResource } from "../shared/operations/delete-resource.js";

app.http("groups-delete", {
  methods: ["DELETE"],
  route: "Groups/{id}",
  authLevel: "anonymous",
  handler: scimHandler(deleteResource("Group")),
});
