import { app } from "@azure/functions";
import { TOKEN_ENDPOINT_PATH } from "../shared/discovery/authentication-schemes.js";
import { tokenHandler } from "../shared/http/token-handler.js";

app.http("oauth-token", {
  methods: ["POST"],
  route: TOKEN_ENDPOINT_PATH,
  authLevel: "anonymous",
  handler: tokenHandler(),
});
