import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { notImplemented } from "../shared/operations/discovery-operations.js";

app.http("bulk", {
  methods: ["POST"],
  route: scimRoute("Bulk"),
  authLevel: "anonymous",
  handler: scimHandler(notImplemented("Bulk (RFC 7644 §3.7)")),
});
