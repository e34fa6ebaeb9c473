import { describe, expect, test } from "vitest";
import { bindFilter } from "../../../shared/filter/bind-filter.js";
import type { BoundFilter } from "../../../shared/filter/bound-filter.js";
import { parseFilter } from "../../../shared/filter/parse-filter.js";
import { attribute } from "../../../shared/schema/attribute.js";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import { ENTERPRISE } from "./filter-builders.js";

const { User, Group } = buildResourceTypes();
const CORE = "urn:ietf:params:scim:schemas:core:2.0:User";
const bindUser = (text: string) => bindFilter(parseFilter(text), User);
const doc = (...keys: string[]) => ({ scope: "document", keys });
const el = (...keys: string[]) => ({ scope: "element", keys });

describe("bindFilter", () => {
  const cases: [string, BoundFilter | Record<string, unknown>][] = [
    // caseExact=false strings are lower-cased; names become canonical.
    [
      'USERNAME eq "BJensen"',
      { kind: "compare", op: "eq", location: doc("userName"), type: "string", value: "bjensen" },
    ],
    [
      'externalId eq "AbC"',
      { kind: "compare", op: "eq", location: doc("externalId"), type: "string", value: "AbC" },
    ],
    ['id eq "AbC"', { kind: "compare", op: "eq", location: { scope: "id" }, type: "string", value: "AbC" }],
    [
      'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "X"',
      { kind: "compare", op: "eq", location: doc("userName"), value: "x" },
    ],
    // A bare `manager` (Entra) is manager.value, caseExact, found in the extension without its URN.
    [
      'manager eq "ID-1"',
      { kind: "compare", op: "eq", location: doc(ENTERPRISE, "manager", "value"), value: "ID-1" },
    ],
    [
      `${ENTERPRISE.toUpperCase()}:Department eq "Tour"`,
      { location: doc(ENTERPRISE, "department"), value: "tour" },
    ],
    // Entra's string booleans.
    ['active eq "False"', { kind: "compare", location: doc("active"), type: "boolean", value: false }],
    ['active ne "TRUE"', { kind: "compare", op: "ne", value: true }],
    [
      'roles[primary eq "True"]',
      {
        kind: "any",
        keys: ["roles"],
        filter: { kind: "compare", location: el("primary"), type: "boolean", value: true },
      },
    ],
    // Dates normalised like the store does.
    [
      'meta.created ge "2024-01-01T02:00:00+02:00"',
      { kind: "compare", op: "ge", location: doc("meta", "created"), value: "2024-01-01T00:00:00.000Z" },
    ],
    ['meta.lastModified lt "2024-03-01"', { value: "2024-03-01T00:00:00.000Z" }],
    // Multi-valued without sub-attribute means `value`, existentially.
    [
      'emails co "@X.com"',
      {
        kind: "any",
        keys: ["emails"],
        filter: { kind: "compare", op: "co", location: el("value"), value: "@x.com" },
      },
    ],
    [
      'emails[type eq "work"].value eq "A@B"',
      {
        kind: "any",
        keys: ["emails"],
        filter: {
          kind: "and",
          left: { kind: "compare", location: el("type"), value: "work" },
          right: { kind: "compare", location: el("value"), value: "a@b" },
        },
      },
    ],
    // A value filter on a single-valued complex attribute just prefixes the paths.
    ['manager[value eq "M"]', { kind: "compare", location: doc(ENTERPRISE, "manager", "value"), value: "M" }],
    // `eq null` is "not present", `ne null` is "present".
    ["title eq null", { kind: "not", filter: { kind: "present", location: doc("title"), type: "string" } }],
    ["title ne null", { kind: "present", location: doc("title"), type: "string" }],
    ["active pr", { kind: "present", location: doc("active"), type: "boolean" }],
    [
      "emails.value pr",
      { kind: "any", keys: ["emails"], filter: { kind: "present", location: el("value"), type: "string" } },
    ],
    // Complex `pr`: some sub-attribute is present (a non-empty node).
    [
      "meta pr",
      {
        kind: "or",
        left: { kind: "present", location: doc("meta", "created") },
        right: { kind: "present", location: doc("meta", "lastModified") },
      },
    ],
    ["manager eq null", { kind: "not", filter: { kind: "or" } }],
    [
      'groups[value eq "g"]',
      {
        kind: "external",
        attribute: "groups",
        filter: {
          kind: "any",
          keys: ["groups"],
          filter: { kind: "compare", location: el("value"), value: "g" },
        },
      },
    ],
    ["groups pr", { kind: "external", attribute: "groups", filter: { kind: "any", keys: ["groups"] } }],
  ];

  test.each(cases)("binds %s", (text, expected) => {
    expect(bindUser(text)).toMatchObject(expected);
  });

  test("binds Group filters against the Group schema", () => {
    expect(bindFilter(parseFilter('displayName eq "Sales"'), Group)).toEqual({
      kind: "compare",
      op: "eq",
      location: doc("displayName"),
      type: "string",
      value: "sales",
    });
    expect(bindFilter(parseFilter('members[value eq "u1"]'), Group)).toMatchObject({
      kind: "external",
      attribute: "members",
    });
    expect(() => bindFilter(parseFilter('userName eq "x"'), Group)).toThrow(
      'Unknown attribute "userName" at position 1 of the filter',
    );
  });

  test("numbers bind for integer and decimal attributes of custom extensions", () => {
    const urn = "urn:ietf:params:scim:schemas:extension:Acme:2.0:User";
    const types = buildResourceTypes({
      User: [
        {
          id: urn,
          name: "Acme",
          description: "",
          attributes: [attribute("level", "integer"), attribute("tags", "string", { multiValued: true })],
        },
      ],
    });
    expect(bindFilter(parseFilter("level ge 3"), types.User)).toEqual({
      kind: "compare",
      op: "ge",
      location: doc(urn, "level"),
      type: "number",
      value: 3,
    });
    expect(() => bindFilter(parseFilter('level eq "3"'), types.User)).toThrow('needs a number, found "3"');
    expect(() => bindFilter(parseFilter("level co 3"), types.User)).toThrow(
      'The operator "co" cannot be used',
    );
    // Multi-valued simple attributes test the element itself.
    expect(bindFilter(parseFilter('tags eq "A"'), types.User)).toEqual({
      kind: "any",
      keys: [urn, "tags"],
      filter: { kind: "compare", op: "eq", location: el(), type: "string", value: "a" },
    });
  });

  // RFC 7644 §3.4.2.2 valFilter: the names inside the brackets are the attribute's sub-attributes,
  // which may be written through the attribute or behind its schema's URN, as PATCH paths take them.
  test.each([
    ['emails[emails.type eq "work"]', 'emails[type eq "work"]'],
    [`emails[${CORE}:type eq "work"]`, 'emails[type eq "work"]'],
    [`emails[${CORE}:EMAILS.type eq "work" and value co "x"]`, 'emails[type eq "work" and value co "x"]'],
    [`manager[${ENTERPRISE}:value eq "m"]`, 'manager[value eq "m"]'],
    [`${ENTERPRISE}:manager[manager.value eq "m"]`, 'manager[value eq "m"]'],
  ])("binds %s as %s", (written, plain) => {
    expect(bindFilter(parseFilter(written), User)).toEqual(bindFilter(parseFilter(plain), User));
  });

  const errors: [string, string][] = [
    ['foo eq "x"', 'Unknown attribute "foo" at position 1 of the filter'],
    ['userName eq "x" and name.foo pr', 'Unknown attribute "name.foo" at position 21 of the filter'],
    ['urn:example:foo:bar eq "x"', 'Unknown attribute "urn:example:foo:bar" at position 1 of the filter'],
    [
      `${ENTERPRISE}:userName eq "x"`,
      `Unknown attribute "${ENTERPRISE}:userName" at position 1 of the filter`,
    ],
    ['emails[foo eq "x"]', 'Unknown attribute "emails.foo" at position 8 of the filter'],
    ['emails[value.x eq "x"]', 'Unknown attribute "emails.value.x" at position 8 of the filter'],
    [
      `emails[${ENTERPRISE}:type eq "work"]`,
      `The name "emails.${ENTERPRISE}:type" names the schema "${ENTERPRISE}", but "emails" belongs to "urn:ietf:params:scim:schemas:core:2.0:User" at position 8 of the filter`,
    ],
    [`manager[${CORE}:value eq "m"]`, `names the schema "${CORE}", but "manager" belongs to "${ENTERPRISE}"`],
    ['emails[name.type eq "work"]', 'Unknown attribute "emails.name.type" at position 8 of the filter'],
    ['emails[type eq "w"].foo eq "x"', 'Unknown attribute "emails.foo" at position 21 of the filter'],
    [
      "active gt true",
      'The operator "gt" cannot be used on the boolean attribute "active" at position 1 of the filter',
    ],
    [
      'active co "t"',
      'The operator "co" cannot be used on the boolean attribute "active" at position 1 of the filter',
    ],
    [
      "emails[primary le false]",
      'The operator "le" cannot be used on the boolean attribute "emails.primary" at position 8',
    ],
    [
      'x509Certificates gt "AA=="',
      'The operator "gt" cannot be used on the binary attribute "x509Certificates"',
    ],
    ['meta.created co "2020"', 'The operator "co" cannot be used on the dateTime attribute "meta.created"'],
    [
      'active eq "yes"',
      'The attribute "active" needs true or false, found "yes" at position 1 of the filter',
    ],
    ["active eq 1", 'The attribute "active" needs true or false, found 1'],
    [
      'meta.created gt "yesterday"',
      'The attribute "meta.created" needs an ISO 8601 date-time string, found "yesterday"',
    ],
    ['meta.created gt "2024-13-45"', "needs an ISO 8601 date-time string"],
    // Date.parse would roll these over to March 1 and to the next midnight.
    [
      'meta.created gt "2023-02-29T00:00:00Z"',
      'needs an ISO 8601 date-time string, found "2023-02-29T00:00:00Z"',
    ],
    ['meta.lastModified lt "2024-04-31"', "needs an ISO 8601 date-time string"],
    ['meta.created gt "2024-01-01T24:00:00Z"', "needs an ISO 8601 date-time string"],
    [
      'meta.created lt "9999-12-31T23:00:00-02:00"',
      'needs a date-time in the years 0000 to 9999 UTC, found "9999-12-31T23:00:00-02:00"',
    ],
    ["meta.created gt 2024", "needs an ISO 8601 date-time string, found 2024"],
    ["userName eq 5", 'The attribute "userName" needs a string, found 5 at position 1 of the filter'],
    ["userName eq true", 'The attribute "userName" needs a string, found true'],
    [
      'name eq "x"',
      'The complex attribute "name" cannot be compared; compare one of its sub-attributes at position 1',
    ],
    ["userName gt null", 'Only "eq" and "ne" can compare "userName" with null at position 1 of the filter'],
    [
      'userName[value eq "x"]',
      'A value filter needs a complex attribute, but "userName" is not one at position 1',
    ],
    ['emails.value[type eq "x"]', 'A value filter needs a complex attribute, but "emails.value" is not one'],
    [
      'meta.version eq "W/\\"1\\""',
      'The attribute "meta.version" is not stored and cannot be filtered on at position 1',
    ],
    ['meta[resourceType eq "User"]', 'The attribute "meta.resourceType" is not stored'],
    ["meta.resourceType eq 1", 'The attribute "meta.resourceType" needs a string, found 1 at position 1'],
    ["meta.resourceType gt null", 'Only "eq" and "ne" can compare "meta.resourceType" with null'],
    ["meta.location pr", 'The attribute "meta.location" is not stored'],
    ['meta[version eq "x"]', 'The attribute "meta.version" is not stored'],
    [
      'password eq "secret"',
      'The attribute "password" is never returned and cannot be filtered on at position 1',
    ],
    ["password pr", 'The attribute "password" is never returned'],
  ];

  test.each(errors)("rejects %s", (text, detail) => {
    expect(() => bindUser(text)).toThrow(expect.objectContaining({ code: "invalidFilter", status: 400 }));
    expect(() => bindUser(text)).toThrow(detail);
  });
});

describe("a dateTime literal without an offset", () => {
  // ECMAScript reads "2026-01-01T00:00:00" in the process's time zone (a bare date in UTC): the
  // same filter selected other resources on a host outside UTC.
  test.each(["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata"])(
    "is UTC on a host in %s",
    (zone) => {
      const before = process.env.TZ;
      process.env.TZ = zone;
      try {
        expect(bindUser('meta.created gt "2026-01-01T00:00:00"')).toMatchObject({
          value: "2026-01-01T00:00:00.000Z",
        });
        expect(bindUser('meta.lastModified ge "2026-01-01 12:30"')).toMatchObject({
          value: "2026-01-01T12:30:00.000Z",
        });
        expect(bindUser('meta.created lt "2026-01-01"')).toMatchObject({ value: "2026-01-01T00:00:00.000Z" });
        expect(bindUser('meta.created eq "2026-01-01T02:00:00+02:00"')).toMatchObject({
          value: "2026-01-01T00:00:00.000Z",
        });
      } finally {
        if (before === undefined) delete process.env.TZ;
        else process.env.TZ = before;
      }
    },
  );
});

describe("sub-attributes derived when a resource is returned are not filterable", () => {
  // A test on them read no value (manager.$ref pr matched only a $ref a client once sent, which the
  // returned resource replaces), so filters answered otherwise than the resources they returned.
  const bindGroup = (text: string) => bindFilter(parseFilter(text), Group);
  test.each([
    ["User", "manager.$ref pr", "manager.$ref"],
    ["User", `${ENTERPRISE}:manager.$ref co "Users"`, `${ENTERPRISE}:manager.$ref`],
    ["User", 'manager[$ref sw "https"]', "manager.$ref"],
    ["User", 'groups[value eq "g1" and display eq "Sales"]', "groups.display"],
    ["User", 'groups[value eq "g1"].$ref pr', "groups.$ref"],
    ["User", 'groups.display co "s"', "groups.display"],
    ["Group", 'members[value eq "u1"].$ref pr', "members.$ref"],
  ])("%s: %s", (type, text, name) => {
    const bind = type === "User" ? bindUser : bindGroup;
    expect(() => bind(text)).toThrow(expect.objectContaining({ code: "invalidFilter", status: 400 }));
    expect(() => bind(text)).toThrow(`The attribute "${name}" is derived when the resource is returned`);
  });

  test("what is stored stays filterable", () => {
    expect(() => bindUser('manager.value eq "m1" and manager pr')).not.toThrow();
    expect(() => bindUser('groups[value eq "g1" and type eq "direct"]')).not.toThrow();
    expect(() => bindGroup('members[value eq "u1" and type eq "User"]')).not.toThrow();
  });
});

describe("meta.resourceType: not stored, the same for every resource of a type, so decided when binding", () => {
  const bindGroup = (text: string) => bindFilter(parseFilter(text), Group);
  test.each([
    ['meta.resourceType eq "User"', true, false],
    ['META.RESOURCETYPE eq "Group"', false, true],
    ['meta.resourceType ne "Group"', true, false],
    // caseExact (RFC 7643 §3.1): the value is "User", not "user".
    ['meta.resourceType eq "user"', false, false],
    ['meta.resourceType sw "Gr"', false, true],
    ["meta.resourceType pr", true, true],
    ["meta.resourceType eq null", false, false],
    ["meta.resourceType ne null", true, true],
  ])("%s: %s for a User, %s for a Group", (text, user, group) => {
    expect(bindUser(text)).toEqual({ kind: "constant", value: user });
    expect(bindGroup(text)).toEqual({ kind: "constant", value: group });
  });

  test("combines with stored attributes as any other test", () => {
    expect(bindUser('meta.resourceType eq "User" and userName eq "X"')).toEqual({
      kind: "and",
      left: { kind: "constant", value: true },
      right: { kind: "compare", op: "eq", location: doc("userName"), type: "string", value: "x" },
    });
  });
});

describe("schemas: not stored, decided per schema URI when binding", () => {
  const bindGroup = (text: string) => bindFilter(parseFilter(text), Group);
  const carries = { kind: "present", location: doc(ENTERPRISE), type: "object" };

  test.each([
    [`schemas eq "${ENTERPRISE}"`, carries],
    // URIs compare case-insensitively, as attribute URNs do.
    [`Schemas eq "${ENTERPRISE.toUpperCase()}"`, carries],
    ['schemas sw "urn:ietf:params:scim:schemas:extension"', carries],
    ['schemas eq "urn:ietf:params:scim:schemas:core:2.0:User"', { kind: "constant", value: true }],
    // Some value passes: the core schema is not the Group schema.
    ['schemas ne "urn:ietf:params:scim:schemas:core:2.0:Group"', { kind: "constant", value: true }],
    ['schemas ne "urn:ietf:params:scim:schemas:core:2.0:User"', carries],
    ['schemas eq "urn:ietf:params:scim:schemas:core:2.0:Group"', { kind: "constant", value: false }],
    ["schemas pr", { kind: "constant", value: true }],
    ["schemas eq null", { kind: "constant", value: false }],
    ["schemas ne null", { kind: "constant", value: true }],
  ])("%s on a User", (text, bound) => {
    expect(bindUser(text)).toEqual(bound);
  });

  test("a Group has no extension: its core schema decides", () => {
    expect(bindGroup('schemas eq "urn:ietf:params:scim:schemas:core:2.0:Group"')).toEqual({
      kind: "constant",
      value: true,
    });
    expect(bindGroup(`schemas eq "${ENTERPRISE}"`)).toEqual({ kind: "constant", value: false });
  });

  test.each([
    ["schemas eq true", 'The attribute "schemas" holds schema URIs: compare it with a string at position 1'],
    ["schemas gt null", 'Only "eq" and "ne" can compare "schemas" with null'],
    [
      'schemas[value eq "x"]',
      'A value filter needs a complex attribute, but "schemas" is a list of schema URIs',
    ],
  ])("rejects %s", (text, detail) => {
    expect(() => bindUser(text)).toThrow(expect.objectContaining({ code: "invalidFilter", status: 400 }));
    expect(() => bindUser(text)).toThrow(detail);
  });
});

describe("roles: Entra's JSON-encoded app role compares as the role it describes, as it is stored", () => {
  const role = JSON.stringify({ id: "r1", value: "25", displayName: "Reader" });
  test.each([
    [`roles.value eq ${JSON.stringify(role)}`],
    [`roles eq ${JSON.stringify(role)}`],
    [`roles[value eq ${JSON.stringify(role)}]`],
  ])("%s", (text) => {
    expect(bindUser(text)).toEqual({
      kind: "any",
      keys: ["roles"],
      filter: { kind: "compare", op: "eq", location: el("value"), type: "string", value: "25" },
    });
  });

  test("other strings, and the same text on another attribute, are compared as written", () => {
    expect(bindUser('roles.value eq "{not json"')).toMatchObject({ filter: { value: "{not json" } });
    expect(bindUser(`emails.value eq ${JSON.stringify(role)}`)).toMatchObject({
      filter: { value: role.toLowerCase() },
    });
  });
});
