import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { deleteResource } from "../shared/operations/delete-resource.js";

app.http("users-delete", {
  methods: ["DELETE"],
  route: scimRoute("Users/{id}"),
  authLevel: "anonymous",
  handler: scimHandler(deleteResource("User")),
});
