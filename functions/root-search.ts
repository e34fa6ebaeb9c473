import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { searchAll } from "../shared/operations/root-query.js";

app.http("root-search", {
  methods: ["POST"],
  route: scimRoute(".search"),
  authLevel: "anonymous",
  handler: scimHandler(searchAll),
});
