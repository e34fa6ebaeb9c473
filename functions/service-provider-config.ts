import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { scimRoute } from "../shared/http/scim-path.js";
import { getServiceProviderConfig } from "../shared/operations/discovery-operations.js";

app.http("service-provider-config", {
  methods: ["GET", "HEAD"],
  route: scimRoute("ServiceProviderConfig"),
  authLevel: "anonymous",
  handler: scimHandler(getServiceProviderConfig),
});
