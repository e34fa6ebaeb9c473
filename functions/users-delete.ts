import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { deleteResource } from "../shared/operations/delete-resource.js";

app.http("users-delete", {
  methods: ["DELETE"],
  route: "Users/{id}",
  authLevel: "anonymous",
  handler: scimHandler(deleteResource("User")),
});
