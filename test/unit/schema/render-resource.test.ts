import { describe, expect, it } from "vitest";
import { renderResource } from "../../../shared/schema/render-resource.js";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import { ENTERPRISE_USER } from "../../../shared/schema/schema.js";
import type { ScimObject } from "../../../shared/schema/scim-json.js";

const { User } = buildResourceTypes();
const BASE = "https://scim.example.com/scim/v2";

const managerOf = (value: string) => {
  const rendered = renderResource(
    User,
    { id: "u1", etag: '"e1"', resource: { userName: "a@x.com", [ENTERPRISE_USER]: { manager: { value } } } },
    BASE,
  );
  return (rendered[ENTERPRISE_USER] as ScimObject).manager as ScimObject;
};

describe("renderResource: the manager's $ref", () => {
  it("points at the manager's User resource", () => {
    expect(managerOf("9f1c2e4a-0b7d-4c55-8a3e-2d6f1b0c9e71")).toEqual({
      value: "9f1c2e4a-0b7d-4c55-8a3e-2d6f1b0c9e71",
      $ref: `${BASE}/Users/9f1c2e4a-0b7d-4c55-8a3e-2d6f1b0c9e71`,
    });
  });

  it("is a URI whatever the value holds: the value is percent-encoded as one path segment", () => {
    const manager = managerOf("a b/c?d#e");
    expect(manager.value).toBe("a b/c?d#e");
    expect(manager.$ref).toBe(`${BASE}/Users/a%20b%2Fc%3Fd%23e`);
    expect(new URL(manager.$ref as string).pathname).toBe("/scim/v2/Users/a%20b%2Fc%3Fd%23e");
  });
});
