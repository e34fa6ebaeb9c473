import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { ROUTE_PREFIX } from "../../shared/http/route-prefix.js";

test("host.json routePrefix is the one the code links to (the Tenant URL path)", () => {
  const host = JSON.parse(readFileSync(path.resolve(__dirname, "../../host.json"), "utf8"));
  expect(host.extensions.http.routePrefix).toBe(ROUTE_PREFIX);
  expect(host.extensionBundle.id).toBe("Microsoft.Azure.Functions.ExtensionBundle");
});
