import { describe, expect, it } from "vitest";
import type { PatchOperation } from "../../../shared/patch/parse-patch-request.js";
import { PATCH_OP_SCHEMA, parsePatchRequest } from "../../../shared/patch/parse-patch-request.js";
import type { ScimObject } from "../../../shared/schema/scim-json.js";
import { applyPatch, deepFreeze, ENTERPRISE, User, user } from "./patch-fixtures.js";

/** Runs a raw Entra PATCH body through the same two steps the endpoint uses. */
const entra = (resource: ScimObject, Operations: unknown[]) =>
  applyPatch(resource, parsePatchRequest(deepFreeze({ schemas: [PATCH_OP_SCHEMA], Operations })), User)
    .resource;

const MANAGER_REF = "https://scim.example.com/scim/v2/Users/m1";
const withManager = (manager: ScimObject) => user({ [ENTERPRISE]: { department: "Retail", manager } });

interface Case {
  name: string;
  resource: ScimObject;
  operations: unknown[];
  expected: ScimObject;
}

// One case per PATCH form in docs/entra.md; "flag" = the tenant URL carries ?aadOptscim062020.
const cases: Case[] = [
  {
    name: 'no flag: Replace emails[type eq "work"].value on an existing work email',
    resource: user({ emails: [{ type: "work", value: "old@x.com", primary: true }] }),
    operations: [{ op: "Replace", path: 'emails[type eq "work"].value', value: "new@x.com" }],
    expected: {
      userName: "alice@contoso.com",
      emails: [{ type: "work", value: "new@x.com", primary: true }],
    },
  },
  {
    name: 'no flag: Replace emails[type eq "work"].value with no emails adds the element (not noTarget)',
    resource: user(),
    operations: [{ op: "Replace", path: 'emails[type eq "work"].value', value: "new@x.com" }],
    expected: { userName: "alice@contoso.com", emails: [{ type: "work", value: "new@x.com" }] },
  },
  {
    name: 'no flag: Replace emails[type eq "work"].value with only a home email appends a work email',
    resource: user({ emails: [{ type: "home", value: "me@home.com" }] }),
    operations: [{ op: "Replace", path: 'emails[type eq "work"].value', value: "new@x.com" }],
    expected: {
      userName: "alice@contoso.com",
      emails: [
        { type: "home", value: "me@home.com" },
        { type: "work", value: "new@x.com" },
      ],
    },
  },
  {
    name: "no flag: Add on a value path behaves like Replace",
    resource: user(),
    operations: [{ op: "Add", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 555" }],
    expected: { userName: "alice@contoso.com", phoneNumbers: [{ type: "mobile", value: "+1 555" }] },
  },
  {
    name: "no flag: Replace name.familyName keeps the other name parts",
    resource: user({ name: { givenName: "Alice", familyName: "Old" } }),
    operations: [{ op: "Replace", path: "name.familyName", value: "X" }],
    expected: { userName: "alice@contoso.com", name: { givenName: "Alice", familyName: "X" } },
  },
  {
    name: "no flag: Replace name.familyName when there is no name yet",
    resource: user(),
    operations: [{ op: "Replace", path: "name.familyName", value: "X" }],
    expected: { userName: "alice@contoso.com", name: { familyName: "X" } },
  },
  {
    name: 'no flag: Replace addresses[type eq "work"].formatted adds the work address',
    resource: user(),
    operations: [{ op: "Replace", path: 'addresses[type eq "work"].formatted', value: "18/2111" }],
    expected: { userName: "alice@contoso.com", addresses: [{ type: "work", formatted: "18/2111" }] },
  },
  {
    name: 'no flag: Replace addresses[type eq "work"].formatted updates the work address only',
    resource: user({
      addresses: [
        { type: "home", formatted: "1 Home St" },
        { type: "work", formatted: "old", country: "NL" },
      ],
    }),
    operations: [{ op: "Replace", path: 'addresses[type eq "work"].formatted', value: "18/2111" }],
    expected: {
      userName: "alice@contoso.com",
      addresses: [
        { type: "home", formatted: "1 Home St" },
        { type: "work", formatted: "18/2111", country: "NL" },
      ],
    },
  },
  {
    name: "no flag: Add the enterprise department by URN path",
    resource: user(),
    operations: [{ op: "Add", path: `${ENTERPRISE}:department`, value: "Retail" }],
    expected: { userName: "alice@contoso.com", [ENTERPRISE]: { department: "Retail" } },
  },
  {
    name: 'no flag: Replace active "False" stores false',
    resource: user({ active: true }),
    operations: [{ op: "Replace", path: "active", value: "False" }],
    expected: { userName: "alice@contoso.com", active: false },
  },
  {
    name: 'no flag: Replace active "True" stores true',
    resource: user({ active: false }),
    operations: [{ op: "Replace", path: "active", value: "True" }],
    expected: { userName: "alice@contoso.com", active: true },
  },
  {
    name: 'no flag: Replace active "false" (lower case) stores false',
    resource: user({ active: true }),
    operations: [{ op: "Replace", path: "active", value: "false" }],
    expected: { userName: "alice@contoso.com", active: false },
  },
  {
    name: "flag: replace active false (a real boolean)",
    resource: user({ active: true }),
    operations: [{ op: "replace", path: "active", value: false }],
    expected: { userName: "alice@contoso.com", active: false },
  },
  {
    name: 'path-less replace {"active": "False"} converts the string too',
    resource: user({ active: true }),
    operations: [{ op: "Replace", value: { active: "False" } }],
    expected: { userName: "alice@contoso.com", active: false },
  },
  {
    name: "flag: path-less replace with plain, dotted and URN-qualified keys",
    resource: user({ displayName: "Old", name: { givenName: "Old", familyName: "Keep" } }),
    operations: [
      {
        op: "replace",
        value: { displayName: "X", "name.givenName": "Y", [`${ENTERPRISE}:employeeNumber`]: "7" },
      },
    ],
    expected: {
      userName: "alice@contoso.com",
      displayName: "X",
      name: { givenName: "Y", familyName: "Keep" },
      [ENTERPRISE]: { employeeNumber: "7" },
    },
  },
  {
    name: "no flag: Add manager by URN path as a bare id",
    resource: user(),
    operations: [{ op: "Add", path: `${ENTERPRISE}:manager`, value: "m1" }],
    expected: { userName: "alice@contoso.com", [ENTERPRISE]: { manager: { value: "m1" } } },
  },
  {
    name: 'Add manager on path "manager" as [{"$ref", "value"}]',
    resource: user(),
    operations: [{ op: "Add", path: "manager", value: [{ $ref: MANAGER_REF, value: "m1" }] }],
    expected: {
      userName: "alice@contoso.com",
      [ENTERPRISE]: { manager: { value: "m1", $ref: MANAGER_REF } },
    },
  },
  {
    name: "Replace manager with a new id drops the old $ref instead of merging it",
    resource: withManager({ value: "m0", $ref: "https://scim.example.com/scim/v2/Users/m0" }),
    operations: [{ op: "Replace", path: `${ENTERPRISE}:manager`, value: "m1" }],
    expected: {
      userName: "alice@contoso.com",
      [ENTERPRISE]: { department: "Retail", manager: { value: "m1" } },
    },
  },
  {
    name: "Replace manager with the same id keeps its $ref",
    resource: withManager({ value: "m1", $ref: MANAGER_REF }),
    operations: [{ op: "Replace", path: `${ENTERPRISE}:manager`, value: { value: "m1" } }],
    expected: {
      userName: "alice@contoso.com",
      [ENTERPRISE]: { department: "Retail", manager: { value: "m1", $ref: MANAGER_REF } },
    },
  },
  ...["", {}, { value: "" }, [], null].map(
    (value): Case => ({
      name: `Replace manager with the empty value ${JSON.stringify(value)} removes it`,
      resource: withManager({ value: "m1" }),
      operations: [{ op: "Replace", path: `${ENTERPRISE}:manager`, value }],
      expected: { userName: "alice@contoso.com", [ENTERPRISE]: { department: "Retail" } },
    }),
  ),
  {
    name: "Remove on the manager URN path",
    resource: withManager({ value: "m1" }),
    operations: [{ op: "Remove", path: `${ENTERPRISE}:manager` }],
    expected: { userName: "alice@contoso.com", [ENTERPRISE]: { department: "Retail" } },
  },
  {
    name: 'Remove manager[value eq "m1"]',
    resource: withManager({ value: "m1" }),
    operations: [{ op: "Remove", path: 'manager[value eq "m1"]' }],
    expected: { userName: "alice@contoso.com", [ENTERPRISE]: { department: "Retail" } },
  },
  {
    name: 'Remove manager[value eq "other"] leaves another manager in place',
    resource: withManager({ value: "m1" }),
    operations: [{ op: "Remove", path: `${ENTERPRISE}:manager[value eq "other"]` }],
    expected: {
      userName: "alice@contoso.com",
      [ENTERPRISE]: { department: "Retail", manager: { value: "m1" } },
    },
  },
  {
    name: "removing the last enterprise attribute removes the extension key",
    resource: user({ [ENTERPRISE]: { manager: { value: "m1" } } }),
    operations: [{ op: "Remove", path: "manager" }],
    expected: { userName: "alice@contoso.com" },
  },
  {
    name: "Add roles with Entra's JSON-string value unwraps it",
    resource: user(),
    operations: [
      { op: "Add", path: "roles", value: [{ value: '{"id":"r1","value":"25","displayName":"Reader"}' }] },
    ],
    expected: { userName: "alice@contoso.com", roles: [{ value: "25", display: "Reader" }] },
  },
  {
    name: "Replace roles with Entra's JSON-string value unwraps it",
    resource: user({ roles: [{ value: "1" }] }),
    operations: [
      {
        op: "Replace",
        path: "roles",
        value: [{ primary: "True", value: '{"id":"r2","value":"26","displayName":"Writer"}' }],
      },
    ],
    expected: { userName: "alice@contoso.com", roles: [{ primary: true, value: "26", display: "Writer" }] },
  },
  {
    name: "Remove roles by Entra's JSON-string value removes only that role",
    resource: user({ roles: [{ value: "25", display: "Reader" }, { value: "26" }] }),
    operations: [{ op: "Remove", path: "roles", value: [{ value: '{"id":"r1","value":"25"}' }] }],
    expected: { userName: "alice@contoso.com", roles: [{ value: "26" }] },
  },
  {
    name: "Remove roles[value eq <Entra's JSON-string role>] removes that role, as a query's filter finds it",
    resource: user({ roles: [{ value: "25", display: "Reader" }, { value: "26" }] }),
    operations: [{ op: "Remove", path: 'roles[value eq "{\\"id\\":\\"r1\\",\\"value\\":\\"25\\"}"]' }],
    expected: { userName: "alice@contoso.com", roles: [{ value: "26" }] },
  },
  {
    name: 'Replace roles[primary eq "True"].value (Entra\'s role filter)',
    resource: user({ roles: [{ value: "1", primary: true }, { value: "2" }] }),
    operations: [{ op: "Replace", path: 'roles[primary eq "True"].value', value: "9" }],
    expected: { userName: "alice@contoso.com", roles: [{ value: "9", primary: true }, { value: "2" }] },
  },
  {
    name: 'Replace roles[primary eq "True"].value with no primary role creates one',
    resource: user(),
    operations: [{ op: "Replace", path: 'roles[primary eq "True"].value', value: "9" }],
    expected: { userName: "alice@contoso.com", roles: [{ value: "9", primary: true }] },
  },
  {
    name: 'Replace roles[primary eq "True"].value with Entra\'s JSON-string role unwraps it, as a whole roles value does',
    resource: user({ roles: [{ value: "1", display: "Old", primary: true }, { value: "2" }] }),
    operations: [
      {
        op: "Replace",
        path: 'roles[primary eq "True"].value',
        value: '{"id":"r9","value":"9","displayName":"Owner"}',
      },
    ],
    expected: {
      userName: "alice@contoso.com",
      roles: [{ value: "9", display: "Owner", primary: true }, { value: "2" }],
    },
  },
  {
    name: 'Add roles[primary eq "True"].value with Entra\'s JSON-string role and no primary role creates the role',
    resource: user(),
    operations: [{ op: "Add", path: 'roles[primary eq "True"].value', value: '{"id":"r9","value":"9"}' }],
    expected: { userName: "alice@contoso.com", roles: [{ value: "9", primary: true }] },
  },
  {
    name: "one element built over several operations: .display and .primary before .value are kept",
    resource: user({ emails: [{ type: "home", value: "me@home.com", primary: true }] }),
    operations: [
      { op: "Add", path: 'emails[type eq "work"].display', value: "Work" },
      { op: "Add", path: 'emails[type eq "work"].primary', value: "True" },
      { op: "Add", path: 'emails[type eq "work"].value', value: "new@x.com" },
    ],
    expected: {
      userName: "alice@contoso.com",
      emails: [
        { type: "home", value: "me@home.com" },
        { type: "work", display: "Work", primary: true, value: "new@x.com" },
      ],
    },
  },
  {
    name: "an element that no operation gives a value is dropped, and takes primary from no other",
    resource: user({ emails: [{ type: "home", value: "me@home.com", primary: true }] }),
    operations: [
      { op: "Add", path: 'emails[type eq "work"].primary', value: "True" },
      { op: "Add", path: 'addresses[type eq "work"].primary', value: "True" },
    ],
    expected: {
      userName: "alice@contoso.com",
      emails: [{ type: "home", value: "me@home.com", primary: true }],
    },
  },
  {
    name: "disable and re-enable (periodic active=true)",
    resource: user({ active: true }),
    operations: [
      { op: "Replace", path: "active", value: "False" },
      { op: "Replace", path: "active", value: "True" },
    ],
    expected: { userName: "alice@contoso.com", active: true },
  },
];

describe("applyPatch: every Entra PATCH form (docs/entra.md)", () => {
  it.each(cases)("$name", ({ resource, operations, expected }) => {
    expect(entra(resource, operations)).toEqual(expected);
  });

  it("never stores the manager as anything but {value, $ref?}", () => {
    const forms: PatchOperation[] = [
      { op: "add", path: `${ENTERPRISE}:manager`, value: "m1" },
      { op: "add", path: "manager", value: [{ $ref: MANAGER_REF, value: "m1" }] },
      { op: "add", path: "manager", value: { value: "m1", displayName: "Boss" } },
      { op: "replace", value: { [ENTERPRISE]: { manager: "m1" } } },
      { op: "replace", value: { [`${ENTERPRISE}:manager`]: { value: "m1" } } },
      { op: "replace", path: `${ENTERPRISE}:manager.value`, value: "m1" },
    ];
    for (const operation of forms) {
      const { resource } = applyPatch(user(), [operation], User);
      const manager = (resource[ENTERPRISE] as ScimObject).manager as ScimObject;
      expect(manager.value).toBe("m1");
      expect(Object.keys(manager).every((k) => k === "value" || k === "$ref")).toBe(true);
    }
  });
});
