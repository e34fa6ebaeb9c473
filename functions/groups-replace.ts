import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { replaceResource } from "../shared/operations/replace-resource.js";

app.http("groups-replace", {
  methods: ["PUT"],
  route: "Groups/{id}",
  authLevel: "anonymous",
  handler: scimHandler(replaceResource("Group")),
});
