import { app } from "@azure/functions";
import { scimHandler } from "../shared/http/scim-handler.js";
import { SCIM_PATH } from "../shared/http/scim-path.js";
import { listAll } from "../shared/operations/root-query.js";

app.http("root-list", {
  methods: ["GET", "HEAD"],
  route: SCIM_PATH,
  authLevel: "anonymous",
  handler: scimHandler(listAll),
});
