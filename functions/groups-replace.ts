import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { replaceResource } from "../shared/operations/replace-resource.js";

app.http("groups-replace", {
  methods: ["PUT"],
  route: scimRoute("Groups/{id}"),
  authLevel: "anonymous",
  handler: scimHandler(replaceResource("Group")),
});
