import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { listResources } from "../shared/operations/list-resources.js";

app.http("users-list", {
  methods: ["GET", "HEAD"],
  route: scimRoute("Users"),
  authLevel: "anonymous",
  handler: scimHandler(listResources("User")),
});
