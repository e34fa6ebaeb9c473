import { describe, expect, test } from "vitest";
import { parseProjection, projectResource } from "../../shared/schema/projection.js";
import { buildResourceTypes } from "../../shared/schema/resource-type.js";
import type { ScimObject } from "../../shared/schema/scim-json.js";

const { User, Group } = buildResourceTypes();
const CORE = "urn:ietf:params:scim:schemas:core:2.0:User";

const user: ScimObject = {
  schemas: [CORE],
  id: "u1",
  userName: "a@x.com",
  name: { givenName: "A", familyName: "B" },
  emails: [
    { value: "a@x.com", type: "work", display: "A" },
    { value: "b@x.com", type: "home" },
  ],
  addresses: [{ streetAddress: "1 Main", type: "home" }],
};

describe("projectResource: sub-attributes of complex attributes", () => {
  test("a complex value holding none of the asked sub-attributes is left out, not rendered {}", () => {
    const asked = (attributes: string) =>
      projectResource(User, user, parseProjection(User, attributes, undefined));
    expect(asked("name.formatted,addresses.locality")).toEqual({ schemas: [CORE], id: "u1" });
    // Only the values that have the sub-attribute remain.
    expect(asked("emails.display")).toEqual({ schemas: [CORE], id: "u1", emails: [{ display: "A" }] });
    expect(asked("name.givenName,emails.value")).toEqual({
      schemas: [CORE],
      id: "u1",
      name: { givenName: "A" },
      emails: [{ value: "a@x.com" }, { value: "b@x.com" }],
    });
  });

  test("excluding every sub-attribute a value has leaves the attribute out", () => {
    const projected = projectResource(
      User,
      user,
      parseProjection(
        User,
        undefined,
        "name.givenName,name.familyName,addresses.streetAddress,addresses.type",
      ),
    );
    expect(projected).not.toHaveProperty("name");
    expect(projected).not.toHaveProperty("addresses");
    expect(projected.emails).toEqual(user.emails);
  });

  test("Group members without a display are not rendered as empty members", () => {
    const group = {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      id: "g1",
      displayName: "G",
      members: [{ value: "u1", type: "User" }],
    };
    const projected = projectResource(Group, group, parseProjection(Group, "members.display", undefined));
    expect(projected).not.toHaveProperty("members");
  });
});

describe("projectResource: schemas", () => {
  const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
  const withEnterprise: ScimObject = {
    ...user,
    schemas: [CORE, ENTERPRISE],
    [ENTERPRISE]: { department: "R&D", manager: { value: "m1" } },
  };
  const project = (attributes?: string, excluded?: string) =>
    projectResource(User, withEnterprise, parseProjection(User, attributes, excluded)).schemas;

  test("an extension whose attributes the projection all left out is no longer named (RFC 7643 §3)", () => {
    expect(project("userName")).toEqual([CORE]);
    expect(project(undefined, `${ENTERPRISE}:department,${ENTERPRISE}:manager`)).toEqual([CORE]);
  });

  test("an extension the representation still uses stays named", () => {
    expect(project(`userName,${ENTERPRISE}:department`)).toEqual([CORE, ENTERPRISE]);
    expect(project(undefined, `${ENTERPRISE}:manager`)).toEqual([CORE, ENTERPRISE]);
    expect(project()).toEqual([CORE, ENTERPRISE]);
  });
});
