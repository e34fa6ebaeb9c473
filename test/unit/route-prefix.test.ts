import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { SCIM_PATH } from "../../shared/http/scim-path.js";
import { SCIM_ROUTES } from "../../shared/http/scim-routes.js";
import { functionFiles } from "../../shared/local/function-files.js";
import { installFunctionsCore } from "../../shared/local/functions-core-shim.js";
import { compileRoutes } from "../../shared/local/match-route.js";

test("host.json has no route prefix: SCIM routes carry the Tenant URL path themselves", () => {
  const host = JSON.parse(readFileSync(path.resolve(__dirname, "../../host.json"), "utf8"));
  expect(host.extensions.http.routePrefix).toBe("");
  expect(host.extensionBundle.id).toBe("Microsoft.Azure.Functions.ExtensionBundle");
});

test("every SCIM function's route is under the Tenant URL path, and the route table lists them all", async () => {
  const registrations = installFunctionsCore();
  for (const file of functionFiles(path.resolve(__dirname, "../.."), "functions/*.ts")) await import(file);
  const scim = registrations.filter((r) => r.name !== "oauth-token");
  expect(scim.length).toBeGreaterThan(20);
  for (const r of scim)
    expect(r.route === SCIM_PATH || r.route.startsWith(`${SCIM_PATH}/`), r.name).toBe(true);
  // SCIM_ROUTES (what a 405 lists in Allow) is exactly what the functions serve, catch-all aside.
  const served = new Map<string, string[]>();
  for (const r of scim.filter((r) => !r.route.includes("{*"))) {
    const key = r.route.slice(SCIM_PATH.length + 1);
    served.set(key, [...(served.get(key) ?? []), ...r.methods].sort());
  }
  expect(Object.fromEntries(served)).toEqual(
    Object.fromEntries(Object.entries(SCIM_ROUTES).map(([k, v]) => [k, [...v].sort()])),
  );
});

test("like the Functions host (routes tried in function-name order), no function's paths reach another", async () => {
  const registrations = installFunctionsCore();
  const table = compileRoutes(registrations);
  for (const r of registrations) {
    const sample = `/${r.route.replace(/\{\*[^}]+\}/, "anything/else").replace(/\{[^}]+\}/g, "x1")}`;
    for (const method of r.methods) {
      expect(table.match(method, sample)?.registration.name, `${method} ${sample}`).toBe(r.name);
    }
  }
});
