import { describe, expect, it } from "vitest";
import type { ScimErrorCode } from "../../../shared/errors/scim-error.js";
import type { PatchOperation } from "../../../shared/patch/parse-patch-request.js";
import { attribute } from "../../../shared/schema/attribute.js";
import { buildResourceTypes, type ResourceType } from "../../../shared/schema/resource-type.js";
import type { ScimObject } from "../../../shared/schema/scim-json.js";
import { CARDS, cardsExtension } from "../discovery/sample-extensions.js";
import {
  applyPatch,
  CUSTOM,
  deepFreeze,
  ENTERPRISE,
  expectScimError,
  Group,
  User,
  user,
} from "./patch-fixtures.js";

const U = "alice@contoso.com";
const work = { type: "work", value: "a@work.com" };
const home = { type: "home", value: "a@home.com" };

interface Case {
  name: string;
  resource: ScimObject;
  operations: PatchOperation[];
  expected: ScimObject;
  type?: ResourceType;
}

const cases: Case[] = [
  // RFC 7644 §3.5.2.1 add
  {
    name: "add a singular attribute sets it",
    resource: user({ title: "Old" }),
    operations: [{ op: "add", path: "title", value: "CEO" }],
    expected: { userName: U, title: "CEO" },
  },
  {
    name: "add to a multi-valued attribute appends",
    resource: user({ emails: [work] }),
    operations: [{ op: "add", path: "emails", value: [home] }],
    expected: { userName: U, emails: [work, home] },
  },
  {
    name: "add a single object to a multi-valued attribute appends it",
    resource: user({ emails: [work] }),
    operations: [{ op: "add", path: "emails", value: home }],
    expected: { userName: U, emails: [work, home] },
  },
  {
    name: "add skips exact duplicates, within the request too",
    resource: user({ emails: [work] }),
    operations: [{ op: "add", path: "emails", value: [work, home, home] }],
    expected: { userName: U, emails: [work, home] },
  },
  {
    name: "add skips a value held already as the attribute compares it (caseExact=false text)",
    resource: user({ emails: [work] }),
    operations: [{ op: "add", path: "emails", value: [{ type: "Work", value: "A@Work.com" }, home] }],
    expected: { userName: U, emails: [work, home] },
  },
  {
    name: "add to a complex singular attribute merges sub-attributes",
    resource: user({ name: { givenName: "A", familyName: "B" } }),
    operations: [{ op: "add", path: "name", value: { familyName: "C", middleName: "M" } }],
    expected: { userName: U, name: { givenName: "A", familyName: "C", middleName: "M" } },
  },
  {
    name: "add with a null value adds nothing",
    resource: user({ title: "Keep" }),
    operations: [{ op: "add", path: "title", value: null }],
    expected: { userName: U, title: "Keep" },
  },
  {
    name: "path-less add: attribute names, case-insensitive keys, sub-attribute case canonicalised",
    resource: user({ emails: [work] }),
    operations: [{ op: "add", value: { NickName: "Al", emails: [home], name: { GIVENNAME: "A" } } }],
    expected: { userName: U, nickName: "Al", emails: [work, home], name: { givenName: "A" } },
  },
  {
    name: "path-less add: a whole extension URN key holding an object",
    resource: user({ [ENTERPRISE]: { department: "Old" } }),
    operations: [
      { op: "add", value: { [ENTERPRISE]: { department: "New", manager: "m1", costCenter: null } } },
    ],
    expected: { userName: U, [ENTERPRISE]: { department: "New", manager: { value: "m1" } } },
  },
  {
    name: "path-less replace: the core schema URN as a key, and a core URN-qualified attribute",
    resource: user({ title: "Old" }),
    operations: [
      {
        op: "replace",
        value: {
          "urn:ietf:params:scim:schemas:core:2.0:User": { title: "New", "name.givenName": "A" },
          "urn:ietf:params:scim:schemas:core:2.0:User:nickName": "Al",
        },
      },
    ],
    expected: { userName: U, title: "New", name: { givenName: "A" }, nickName: "Al" },
  },
  {
    name: "path-less add: a custom extension attribute by URN",
    resource: user(),
    operations: [{ op: "add", value: { [`${CUSTOM}:costCode`]: "C7" } }],
    expected: { userName: U, [CUSTOM]: { costCode: "C7" } },
  },
  {
    name: "path-less: null values are ignored (Entra never clears with null), `schemas` is ignored",
    resource: user({ title: "Keep" }),
    operations: [{ op: "replace", value: { title: null, schemas: ["urn:x"], displayName: "D" } }],
    expected: { userName: U, title: "Keep", displayName: "D" },
  },
  {
    name: "a `schemas` path is ignored: the server computes schemas",
    resource: user(),
    operations: [{ op: "add", path: "schemas", value: [ENTERPRISE] }],
    expected: { userName: U },
  },
  // RFC 7644 §3.5.2.3 replace
  {
    name: "replace a singular attribute",
    resource: user({ title: "Old" }),
    operations: [{ op: "replace", path: "TITLE", value: "New" }],
    expected: { userName: U, title: "New" },
  },
  {
    name: "replace a multi-valued attribute without filter replaces all values",
    resource: user({ emails: [work, home] }),
    operations: [{ op: "replace", path: "emails", value: [{ value: "x@y.com" }] }],
    expected: { userName: U, emails: [{ value: "x@y.com" }] },
  },
  {
    name: "replace a multi-valued attribute with [] removes it",
    resource: user({ emails: [work] }),
    operations: [{ op: "replace", path: "emails", value: [] }],
    expected: { userName: U },
  },
  {
    name: "replace a singular attribute with null unassigns it (RFC 7643 §2.5)",
    resource: user({ title: "Old" }),
    operations: [{ op: "replace", path: "title", value: null }],
    expected: { userName: U },
  },
  {
    name: "replace a complex singular attribute merges (unspecified sub-attributes unchanged)",
    resource: user({ name: { givenName: "A", familyName: "B" } }),
    operations: [{ op: "replace", path: "name", value: { familyName: "C" } }],
    expected: { userName: U, name: { givenName: "A", familyName: "C" } },
  },
  {
    name: "replace a value path without sub-attribute merges into the matching elements",
    resource: user({ emails: [work, home] }),
    operations: [
      { op: "replace", path: 'emails[type eq "home"]', value: { value: "new@home.com", display: "H" } },
    ],
    expected: { userName: U, emails: [work, { type: "home", value: "new@home.com", display: "H" }] },
  },
  {
    name: "replace a value path without sub-attribute and no match adds filter eqs plus value",
    resource: user({ emails: [work] }),
    operations: [{ op: "replace", path: 'emails[type eq "home"]', value: { value: "new@home.com" } }],
    expected: { userName: U, emails: [work, { type: "home", value: "new@home.com" }] },
  },
  {
    name: "replace a value path sets the sub-attribute on every matching element",
    resource: user({ emails: [{ ...work, display: "1" }, { ...work, value: "b@work.com" }, home] }),
    operations: [{ op: "replace", path: 'emails[type eq "work"].display', value: "W" }],
    expected: {
      userName: U,
      emails: [{ ...work, display: "W" }, { ...work, value: "b@work.com", display: "W" }, home],
    },
  },
  {
    name: "replace attr.sub on a multi-valued attribute sets it on every element",
    resource: user({ emails: [work, home] }),
    operations: [{ op: "replace", path: "emails.display", value: "D" }],
    expected: {
      userName: U,
      emails: [
        { ...work, display: "D" },
        { ...home, display: "D" },
      ],
    },
  },
  {
    name: "value filters compare case-insensitively when caseExact is false",
    resource: user({ emails: [{ type: "Work", value: "A@Work.com" }] }),
    operations: [{ op: "replace", path: 'emails[value eq "a@work.com"].type', value: "other" }],
    expected: { userName: U, emails: [{ type: "other", value: "A@Work.com" }] },
  },
  {
    name: "path-less replace of a multi-valued attribute replaces it",
    resource: user({ emails: [work, home] }),
    operations: [{ op: "replace", value: { emails: [home] } }],
    expected: { userName: U, emails: [home] },
  },
  // RFC 7643 §2.4 primary
  {
    name: "an added primary value clears primary on the others",
    resource: user({ emails: [{ ...work, primary: true }] }),
    operations: [{ op: "add", path: "emails", value: [{ ...home, primary: "True" }] }],
    expected: { userName: U, emails: [work, { ...home, primary: true }] },
  },
  {
    name: "setting primary through a filter clears it on the others",
    resource: user({ emails: [{ ...work, primary: true }, home] }),
    operations: [{ op: "replace", path: 'emails[type eq "home"].primary', value: true }],
    expected: { userName: U, emails: [work, { ...home, primary: true }] },
  },
  // RFC 7644 §3.5.2.2 remove
  {
    name: "remove an attribute",
    resource: user({ title: "T", nickName: "N" }),
    operations: [{ op: "remove", path: "title" }],
    expected: { userName: U, nickName: "N" },
  },
  {
    name: "remove a sub-attribute; an emptied complex attribute goes",
    resource: user({ name: { givenName: "A", familyName: "B" } }),
    operations: [
      { op: "remove", path: "name.givenName" },
      { op: "remove", path: "name.familyName" },
    ],
    expected: { userName: U },
  },
  {
    name: "remove attr[filter] removes the matching elements",
    resource: user({ emails: [work, home] }),
    operations: [{ op: "remove", path: 'emails[type eq "work"]' }],
    expected: { userName: U, emails: [home] },
  },
  {
    name: "remove attr[filter] removing the last element removes the attribute",
    resource: user({ emails: [work] }),
    operations: [{ op: "remove", path: 'emails[type eq "work"]' }],
    expected: { userName: U },
  },
  {
    name: "remove attr[filter] with nothing matching is a no-op (Entra retries)",
    resource: user({ emails: [home] }),
    operations: [{ op: "remove", path: 'emails[type eq "work"]' }],
    expected: { userName: U, emails: [home] },
  },
  {
    name: "remove attr[filter].sub removes that sub-attribute of matching elements",
    resource: user({
      emails: [
        { ...work, display: "W" },
        { ...home, display: "H" },
      ],
    }),
    operations: [{ op: "remove", path: 'emails[type eq "work"].display' }],
    expected: { userName: U, emails: [work, { ...home, display: "H" }] },
  },
  {
    name: "remove attr[filter].value drops the element it leaves without a value",
    resource: user({ emails: [{ ...work, primary: true }, home] }),
    operations: [{ op: "remove", path: 'emails[type eq "work"].value' }],
    expected: { userName: U, emails: [home] },
  },
  {
    name: "remove with a value array removes only the elements with those values (case-insensitive)",
    resource: user({ emails: [work, home, { value: "c@x.com" }] }),
    operations: [{ op: "remove", path: "emails", value: [{ value: "A@WORK.COM" }, { value: "c@x.com" }] }],
    expected: { userName: U, emails: [home] },
  },
  {
    name: "remove with a value that matches nothing is a no-op",
    resource: user({ emails: [work] }),
    operations: [{ op: "remove", path: "emails", value: [{ value: "nobody@x.com" }] }],
    expected: { userName: U, emails: [work] },
  },
  {
    name: "remove with an element value without `value` matches on the sub-attributes given",
    resource: user({ emails: [work, home] }),
    operations: [{ op: "remove", path: "emails", value: { type: "home" } }],
    expected: { userName: U, emails: [work] },
  },
  {
    name: "remove an absent attribute is a no-op",
    resource: user(),
    operations: [{ op: "remove", path: `${ENTERPRISE}:department` }],
    expected: { userName: U },
  },
  // Operations apply in order.
  {
    name: "operations apply in order: remove then add",
    resource: user({ emails: [work] }),
    operations: [
      { op: "remove", path: "emails" },
      { op: "add", path: "emails", value: [home] },
    ],
    expected: { userName: U, emails: [home] },
  },
  // RFC 7643 §2.2 immutable: may be set when unassigned.
  {
    name: "an immutable attribute may be added while absent",
    resource: user(),
    operations: [{ op: "add", path: `${CUSTOM}:badge`, value: "B1" }],
    expected: { userName: U, [CUSTOM]: { badge: "B1" } },
  },
  {
    name: "an immutable attribute may be 'replaced' by its own value",
    resource: user({ [CUSTOM]: { badge: "B1" } }),
    operations: [{ op: "replace", path: `${CUSTOM}:badge`, value: "B1" }],
    expected: { userName: U, [CUSTOM]: { badge: "B1" } },
  },
  {
    // RFC 7644 §3.5.1: the value sent must match the one there, as caseExact=false text matches.
    name: "an immutable attribute may be 'replaced' by its own value in another case, which stays as stored",
    resource: user({ [CUSTOM]: { badge: "B1" } }),
    operations: [{ op: "add", path: `${CUSTOM}:badge`, value: "b1" }],
    expected: { userName: U, [CUSTOM]: { badge: "B1" } },
  },
  {
    name: "Group: replace displayName",
    type: Group,
    resource: deepFreeze({ displayName: "Old", externalId: "e1" }),
    operations: [{ op: "replace", path: "displayName", value: "New" }],
    expected: { displayName: "New", externalId: "e1" },
  },
  {
    name: "members of a Group without externalAttributes are stored like any attribute",
    type: Group,
    resource: deepFreeze({ displayName: "G" }),
    operations: [{ op: "add", path: "members", value: [{ value: "u1" }] }],
    expected: { displayName: "G", members: [{ value: "u1" }] },
  },
];

describe("applyPatch: RFC 7644 §3.5.2 semantics", () => {
  it.each(cases)("$name", ({ resource, operations, expected, type }) => {
    expect(applyPatch(resource, operations, type ?? User).resource).toEqual(expected);
  });

  it("reports whether anything changed", () => {
    const resource = user({ emails: [work] });
    expect(applyPatch(resource, [{ op: "remove", path: 'emails[type eq "home"]' }], User).changed).toBe(
      false,
    );
    expect(applyPatch(resource, [{ op: "add", path: "emails", value: [work] }], User).changed).toBe(false);
    expect(applyPatch(resource, [{ op: "replace", path: "active", value: "True" }], User).changed).toBe(true);
  });

  it("is pure: frozen input untouched, output is a fresh object", () => {
    const resource = user({ name: { givenName: "A" }, emails: [work], [ENTERPRISE]: { department: "D" } });
    const snapshot = structuredClone(resource);
    const { resource: out } = applyPatch(resource, [{ op: "replace", path: "title", value: "T" }], User);
    expect(resource).toEqual(snapshot);
    expect(out.name).not.toBe(resource.name);
    expect(out[ENTERPRISE]).not.toBe(resource[ENTERPRISE]);
    (out.emails as ScimObject[]).push({ value: "x@y.com" });
    expect(resource.emails).toEqual([work]);
  });

  it("is atomic: a bad last operation throws and nothing is applied", () => {
    const resource = user({ title: "T", emails: [work] });
    const snapshot = structuredClone(resource);
    const operations: PatchOperation[] = [
      { op: "replace", path: "title", value: "New" },
      { op: "remove", path: "emails" },
      { op: "add", path: `${ENTERPRISE}:manager`, value: "m1" },
      { op: "replace", path: "active", value: "False" },
      { op: "add", path: "nosuch", value: "x" },
    ];
    expectScimError(() => applyPatch(resource, operations, User), "invalidPath", "nosuch");
    expect(resource).toEqual(snapshot);
  });

  it("is atomic when the failure only shows while applying (immutable, required)", () => {
    const resource = user({ title: "T", [CUSTOM]: { badge: "B1" } });
    const snapshot = structuredClone(resource);
    expectScimError(
      () =>
        applyPatch(
          resource,
          [
            { op: "replace", path: "title", value: "New" },
            { op: "replace", path: `${CUSTOM}:badge`, value: "B2" },
          ],
          User,
        ),
      "mutability",
      "badge",
    );
    expectScimError(
      () =>
        applyPatch(
          resource,
          [
            { op: "replace", path: "title", value: "New" },
            { op: "remove", path: "userName" },
          ],
          User,
        ),
      "invalidValue",
      "userName",
    );
    expect(resource).toEqual(snapshot);
  });

  it("validates every operation before applying any (the first invalid one is reported)", () => {
    const resource = user({ [CUSTOM]: { badge: "B1" } });
    // Op 1 would fail only while applying (immutable); op 2 is invalid on its own, so it is reported.
    expectScimError(
      () =>
        applyPatch(
          resource,
          [
            { op: "replace", path: `${CUSTOM}:badge`, value: "B2" },
            { op: "replace", path: "active", value: "maybe" },
          ],
          User,
        ),
      "invalidValue",
      "active",
    );
  });
});

describe("applyPatch: errors name the path", () => {
  const errors: {
    name: string;
    operations: PatchOperation[];
    code: ScimErrorCode;
    mentions: string[];
    resource?: ScimObject;
    type?: ResourceType;
  }[] = [
    {
      name: "unknown attribute",
      operations: [{ op: "add", path: "nosuch", value: 1 }],
      code: "invalidPath",
      mentions: ["nosuch"],
    },
    {
      name: "unknown path-less key",
      operations: [{ op: "replace", value: { displayName: "X", nosuch: 1 } }],
      code: "invalidPath",
      mentions: ["nosuch"],
    },
    {
      name: "path-less value naming one attribute twice, in two cases",
      operations: [{ op: "replace", value: { displayName: "A", DISPLAYNAME: "B" } }],
      code: "invalidValue",
      mentions: ["'displayName' is given more than once"],
    },
    {
      name: "path-less value naming one extension attribute bare, URN-qualified and under its URN",
      operations: [{ op: "add", value: { department: "A", [ENTERPRISE]: { Department: "B" } } }],
      code: "invalidValue",
      mentions: [`'${ENTERPRISE}:department' is given more than once`],
    },
    {
      name: "path-less value naming one sub-attribute twice, dotted",
      operations: [{ op: "add", value: { "name.givenName": "A", "NAME.GIVENNAME": "B" } }],
      code: "invalidValue",
      mentions: ["'name.givenName' is given more than once"],
    },
    {
      name: "path-less value that is not an object",
      operations: [{ op: "replace", value: "x" }],
      code: "invalidValue",
      mentions: ["The replace operation without", "object"],
    },
    {
      name: "a schema URN key whose value is not an object",
      operations: [{ op: "add", value: { [ENTERPRISE]: "x" } }],
      code: "invalidValue",
      mentions: [ENTERPRISE],
    },
    { name: "path-less remove", operations: [{ op: "remove" }], code: "noTarget", mentions: ["path"] },
    {
      name: "add without value",
      operations: [{ op: "add", path: "title" }],
      code: "invalidValue",
      mentions: ["title"],
    },
    {
      name: "replace without value",
      operations: [{ op: "replace", path: "title" }],
      code: "invalidValue",
      mentions: ["The replace operation needs", "title"],
    },
    {
      name: "malformed path",
      operations: [{ op: "replace", path: 'emails[type eq "work"', value: "x" }],
      code: "invalidPath",
      mentions: ['emails[type eq "work"'],
    },
    {
      name: "malformed filter",
      operations: [{ op: "replace", path: "emails[type eq].value", value: "x" }],
      code: "invalidFilter",
      mentions: ["emails[type eq].value"],
    },
    {
      name: "bad boolean",
      operations: [{ op: "replace", path: "active", value: "maybe" }],
      code: "invalidValue",
      mentions: ["'active'"],
    },
    {
      name: "bad sub-attribute value type",
      operations: [{ op: "replace", path: 'emails[type eq "work"].value', value: 5 }],
      code: "invalidValue",
      mentions: ['emails[type eq "work"].value'],
    },
    {
      name: "unknown sub-attribute in a complex value",
      operations: [{ op: "add", path: "emails", value: [{ value: "a@b.c", nosuch: 1 }] }],
      code: "invalidValue",
      mentions: ["emails[0].nosuch"],
    },
    {
      name: "two primary values in one array",
      operations: [
        {
          op: "replace",
          path: "emails",
          value: [
            { ...work, primary: true },
            { ...home, primary: true },
          ],
        },
      ],
      code: "invalidValue",
      mentions: ["emails", "primary"],
    },
    {
      name: "several values for a singular attribute",
      operations: [{ op: "add", path: "manager", value: [{ value: "m1" }, { value: "m2" }] }],
      code: "invalidValue",
      mentions: ["manager", "single-valued"],
    },
    {
      name: "a string where a complex value without `value` is expected",
      operations: [{ op: "replace", path: "name", value: "Alice" }],
      code: "invalidValue",
      mentions: ["name"],
    },
    {
      name: "readOnly id",
      operations: [{ op: "replace", path: "id", value: "x" }],
      code: "mutability",
      mentions: ["'id'", "readOnly"],
    },
    {
      name: "readOnly meta",
      operations: [{ op: "remove", path: "meta" }],
      code: "mutability",
      mentions: ["'meta'"],
    },
    {
      name: "readOnly meta.lastModified",
      operations: [{ op: "replace", path: "meta.lastModified", value: "2026-01-01T00:00:00Z" }],
      code: "mutability",
      mentions: ["meta"],
    },
    {
      name: "readOnly groups",
      operations: [{ op: "add", path: "groups", value: [{ value: "g1" }] }],
      code: "mutability",
      mentions: ["'groups'"],
    },
    {
      name: "readOnly manager.displayName",
      operations: [{ op: "replace", path: `${ENTERPRISE}:manager.displayName`, value: "Boss" }],
      code: "mutability",
      mentions: ["manager.displayName"],
    },
    {
      name: "readOnly key in a path-less value",
      operations: [{ op: "replace", value: { displayName: "X", id: "123" } }],
      code: "mutability",
      mentions: ["'id'"],
    },
    {
      name: "readOnly meta in a path-less value",
      operations: [{ op: "replace", value: { meta: { resourceType: "User" } } }],
      code: "mutability",
      mentions: ["'meta'"],
    },
    {
      name: "changing an immutable attribute",
      resource: user({ [CUSTOM]: { badge: "B1" } }),
      operations: [{ op: "replace", path: `${CUSTOM}:badge`, value: "B2" }],
      code: "mutability",
      mentions: ["badge", "immutable"],
    },
    {
      name: "removing an immutable attribute",
      resource: user({ [CUSTOM]: { badge: "B1" } }),
      operations: [{ op: "remove", path: `${CUSTOM}:badge` }],
      code: "mutability",
      mentions: ["badge"],
    },
    {
      name: "removing userName (required)",
      operations: [{ op: "remove", path: "userName" }],
      code: "invalidValue",
      mentions: ["'userName'", "required"],
    },
    {
      name: "replacing userName with null (required)",
      operations: [{ op: "replace", path: "userName", value: null }],
      code: "invalidValue",
      mentions: ["'userName'"],
    },
    {
      name: "replacing userName with white space only (required: a blank name is no name)",
      operations: [{ op: "replace", path: "userName", value: "   " }],
      code: "invalidValue",
      mentions: ["'userName'", "blank"],
    },
    {
      name: "removing a Group's displayName (required)",
      type: Group,
      resource: deepFreeze({ displayName: "G" }),
      operations: [{ op: "remove", path: "displayName" }],
      code: "invalidValue",
      mentions: ["'displayName'"],
    },
    {
      name: "a filtered replace that matches nothing and describes no element",
      operations: [
        { op: "replace", path: 'emails[type eq "work" or type eq "home"].value', value: "x@y.com" },
      ],
      code: "noTarget",
      mentions: ['emails[type eq "work" or type eq "home"].value'],
    },
    {
      name: "a filtered replace on a singular attribute holding another value",
      resource: user({ [ENTERPRISE]: { manager: { value: "m1" } } }),
      operations: [{ op: "replace", path: 'manager[value eq "m2"].value', value: "m3" }],
      code: "noTarget",
      mentions: ['manager[value eq "m2"].value'],
    },
    {
      name: "an element created from a filter that the schema refuses",
      operations: [
        { op: "replace", path: 'emails[display eq "x" and type eq "work"].primary', value: "maybe" },
      ],
      code: "invalidValue",
      mentions: ["primary"],
    },
  ];
  it.each(errors)("$name -> $code", ({ operations, code, mentions, resource, type }) => {
    expectScimError(() => applyPatch(resource ?? user(), operations, type ?? User), code, ...mentions);
  });
});

describe("applyPatch: a required extension attribute", () => {
  const REQUIRED = "urn:ietf:params:scim:schemas:extension:Required:2.0:Group";
  const { Group: WithRequired } = buildResourceTypes({
    Group: [
      {
        id: REQUIRED,
        name: "Required",
        description: "",
        attributes: [attribute("code", "string", { required: true }), attribute("note", "string")],
      },
    ],
  });
  const group = () => deepFreeze({ displayName: "G", [REQUIRED]: { code: "C1", note: "N" } });

  // POST and PUT refuse a group without it, so a PATCH may not take it away either.
  it.each<[string, PatchOperation]>([
    ["removed by path", { op: "remove", path: `${REQUIRED}:code` }],
    ["replaced with null", { op: "replace", path: `${REQUIRED}:code`, value: null }],
    ["replaced with blank text", { op: "replace", path: `${REQUIRED}:code`, value: " " }],
    ['replaced with "" in a path-less value', { op: "replace", value: { [REQUIRED]: { code: "" } } }],
  ])("cannot be %s", (_, operation) => {
    expectScimError(
      () => applyPatch(group(), [operation], WithRequired),
      "invalidValue",
      `'${REQUIRED}:code'`,
      "required",
    );
  });

  it("can be changed, and the extension's other attributes removed", () => {
    const { resource } = applyPatch(
      group(),
      [
        { op: "replace", path: `${REQUIRED}:code`, value: "C2" },
        { op: "remove", path: `${REQUIRED}:note` },
      ],
      WithRequired,
    );
    expect(resource).toEqual({ displayName: "G", [REQUIRED]: { code: "C2" } });
  });
});

describe("applyPatch: a required sub-attribute", () => {
  const EXT = CARDS;
  const { User: WithCards } = buildResourceTypes(cardsExtension());
  const stored = () => deepFreeze({ userName: U, [EXT]: { card: { num: "1", label: "L" } } });

  it.each<[string, PatchOperation]>([
    ["removed from the single value", { op: "remove", path: `${EXT}:card.num` }],
    ["blanked", { op: "replace", path: `${EXT}:card.num`, value: " " }],
    ["left out of an added element", { op: "add", path: `${EXT}:cards`, value: [{ label: "X" }] }],
  ])("cannot be %s", (_, operation) => {
    expectScimError(() => applyPatch(stored(), [operation], WithCards), "invalidValue", ".num'", "required");
  });

  it("cannot be left out of a value that replaces the whole one (a replace of a complex value merges)", () => {
    const operations: PatchOperation[] = [
      { op: "remove", path: `${EXT}:card` },
      { op: "add", path: `${EXT}:card`, value: { label: "M" } },
    ];
    expectScimError(() => applyPatch(stored(), operations, WithCards), "invalidValue", `'${EXT}:card.num'`);
    const merged = applyPatch(
      stored(),
      [{ op: "replace", path: `${EXT}:card`, value: { label: "M" } }],
      WithCards,
    );
    expect(merged.resource[EXT]).toEqual({ card: { num: "1", label: "M" } });
  });

  it("a value stored without it does not stop a PATCH of something else", () => {
    const old = deepFreeze({ userName: U, [EXT]: { card: { label: "from before the rule" } } });
    const { resource } = applyPatch(old, [{ op: "replace", path: "displayName", value: "D" }], WithCards);
    expect(resource).toMatchObject({ displayName: "D", [EXT]: { card: { label: "from before the rule" } } });
  });

  it("every element that carries it is kept", () => {
    const { resource } = applyPatch(
      stored(),
      [{ op: "add", path: `${EXT}:cards`, value: [{ num: "2" }, { num: "3", label: "T" }] }],
      WithCards,
    );
    expect((resource[EXT] as ScimObject).cards).toEqual([{ num: "2" }, { num: "3", label: "T" }]);
  });
});
