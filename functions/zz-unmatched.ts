import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { unmatchedRoute } from "../shared/operations/unmatched-route.js";

// The Functions host tries routes in the alphabetical order of function names, not by specificity
// (azure-functions-nodejs-library#300): this catch-all must sort after every other function.
app.http("zz-unmatched", {
  methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
  route: scimRoute("{*path}"),
  authLevel: "anonymous",
  handler: scimHandler(unmatchedRoute),
});
