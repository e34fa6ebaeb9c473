import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { replaceResource } from "../shared/operations/replace-resource.js";

app.http("users-replace", {
  methods: ["PUT"],
  route: "Users/{id}",
  authLevel: "anonymous",
  handler: scimHandler(replaceResource("User")),
});
