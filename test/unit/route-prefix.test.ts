import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { SCIM_PATH } from "../../shared/http/scim-path.js";
import { functionFiles } from "../../shared/local/function-files.js";
import { installFunctionsCore } from "../../shared/local/functions-core-shim.js";

test("host.json has no route prefix: SCIM routes carry the Tenant URL path themselves", () => {
  const host = JSON.parse(readFileSync(path.resolve(__dirname, "../../host.json"), "utf8"));
  expect(host.extensions.http.routePrefix).toBe("");
  expect(host.extensionBundle.id).toBe("Microsoft.Azure.Functions.ExtensionBundle");
});

test("every SCIM function's route is under the Tenant URL path", async () => {
  const registrations = installFunctionsCore();
  for (const file of functionFiles(path.resolve(__dirname, "../.."), "functions/*.ts")) await import(file);
  const scim = registrations.filter((r) => r.name !== "oauth-token");
  expect(scim.length).toBeGreaterThan(20);
  for (const r of scim) expect(r.route.startsWith(`${SCIM_PATH}/`), r.name).toBe(true);
});
