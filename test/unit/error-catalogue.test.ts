import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { plainStatuses, ScimError, scimTypes } from "../../shared/errors/scim-error.js";

const readme = readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Error reference"), readme.indexOf("## Benchmarks"));

describe("error catalogue", () => {
  test.each(Object.entries(scimTypes))("scimType %s (%i) is rendered and documented", (code, status) => {
    const body = new ScimError(code as keyof typeof scimTypes, "why").body();
    expect(body).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: String(status),
      scimType: code,
      detail: "why",
    });
    expect(section).toMatch(new RegExp(`\\| ${status} \\| \`${code}\` \\|`));
  });

  test.each(Object.entries(plainStatuses))(
    "status-only error %s (%i) is documented, without scimType",
    (code, status) => {
      const body = new ScimError(code as keyof typeof plainStatuses, "why").body();
      expect(body).not.toHaveProperty("scimType");
      expect(body.status).toBe(String(status));
      expect(section).toMatch(new RegExp(`\\| ${status} \\| — \\|`));
    },
  );
});
