import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { notImplemented } from "../shared/operations/discovery-operations.js";

app.http("me", {
  methods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
  route: "Me",
  authLevel: "anonymous",
  handler: scimHandler(notImplemented("/Me (RFC 7644 §3.11)")),
});
