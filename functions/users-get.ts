import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { getResource } from "../shared/operations/get-resource.js";

app.http("users-get", {
  methods: ["GET", "HEAD"],
  route: scimRoute("Users/{id}"),
  authLevel: "anonymous",
  handler: scimHandler(getResource("User")),
});
