import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { notImplemented } from "../shared/operations/discovery-operations.js";

app.http("me", {
  methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
  route: scimRoute("Me"),
  authLevel: "anonymous",
  handler: scimHandler(notImplemented("/Me (RFC 7644 §3.11)")),
});
