import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { createResource } from "../shared/operations/create-resource.js";

app.http("users-create", {
  methods: ["POST"],
  route: scimRoute("Users"),
  authLevel: "anonymous",
  handler: scimHandler(createResource("User")),
});
