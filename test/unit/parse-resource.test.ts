import { describe, expect, test } from "vitest";
import { ScimError } from "../../shared/errors/scim-error.js";
import { parseResource } from "../../shared/schema/parse-resource.js";
import { buildResourceTypes } from "../../shared/schema/resource-type.js";

const { User } = buildResourceTypes();
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

function error(body: unknown): ScimError {
  try {
    parseResource(User, body);
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error("expected a ScimError");
}

describe("parseResource (POST/PUT bodies)", () => {
  test("canonical names, nulls and readOnly dropped, string booleans, extension forms folded", () => {
    const { resource, password } = parseResource(User, {
      USERNAME: "a@x.com",
      Active: "False",
      id: "client-chosen",
      meta: { resourceType: "User" },
      groups: [{ value: "g" }],
      title: null,
      emails: [{ VALUE: "a@x.com", Type: "work", primary: "true" }],
      [`${ENTERPRISE}:department`]: "R",
      manager: "boss-id",
      password: "s3cret",
    });
    expect(resource).toEqual({
      userName: "a@x.com",
      active: false,
      emails: [{ value: "a@x.com", type: "work", primary: true }],
      [ENTERPRISE]: { department: "R", manager: { value: "boss-id" } },
    });
    expect(password).toBe("s3cret");
  });

  test.each([
    [{ userName: 5 }, "invalidValue", "userName"],
    [{ displayName: "x" }, "invalidValue", "userName' is required"],
    [{ userName: "a", emails: [{ value: 1 }] }, "invalidValue", "emails[0].value"],
    [
      {
        userName: "a",
        emails: [
          { value: "a", primary: true },
          { value: "b", primary: true },
        ],
      },
      "invalidValue",
      "primary",
    ],
    [{ userName: "a", name: { nickname: "x" } }, "invalidValue", "name.nickname"],
    [{ userName: "a", favouriteColour: "red" }, "invalidValue", "favouriteColour"],
    [{ userName: "a", active: "maybe" }, "invalidValue", "active"],
    [[], "invalidSyntax", "JSON object"],
  ])("%j -> %s naming %s", (body, code, fragment) => {
    const e = error(body);
    expect(e.code).toBe(code);
    expect(e.status).toBe(400);
    expect(e.detail).toContain(fragment);
  });
});
