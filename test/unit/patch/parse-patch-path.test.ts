import { describe, expect, it } from "vitest";
import type { ScimErrorCode } from "../../../shared/errors/scim-error.js";
import { parsePatchPath } from "../../../shared/patch/parse-patch-path.js";
import type { ResourceType } from "../../../shared/schema/resource-type.js";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import type { ScimObject } from "../../../shared/schema/scim-json.js";
import { CUSTOM, customSchema, ENTERPRISE, expectScimError, Group, User } from "./patch-fixtures.js";

const CORE = "urn:ietf:params:scim:schemas:core:2.0:User";

describe("parsePatchPath (RFC 7644 §3.5.2 Figure 7, §3.10)", () => {
  const valid: { path: string; extension?: string; attribute: string; sub?: string; filtered?: boolean }[] = [
    { path: "userName", attribute: "userName" },
    { path: "USERNAME", attribute: "userName" },
    { path: "name.familyName", attribute: "name", sub: "familyName" },
    {
      path: "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName",
      attribute: "name",
      sub: "givenName",
    },
    { path: `${ENTERPRISE}:department`, extension: ENTERPRISE, attribute: "department" },
    { path: `${ENTERPRISE.toLowerCase()}:Manager`, extension: ENTERPRISE, attribute: "manager" },
    { path: `${ENTERPRISE}:manager.value`, extension: ENTERPRISE, attribute: "manager", sub: "value" },
    { path: "manager", extension: ENTERPRISE, attribute: "manager" },
    { path: 'manager[value eq "m1"]', extension: ENTERPRISE, attribute: "manager", filtered: true },
    { path: `${CUSTOM}:badge`, extension: CUSTOM, attribute: "badge" },
    { path: 'emails[type eq "work"]', attribute: "emails", filtered: true },
    { path: 'emails[type eq "work"].value', attribute: "emails", sub: "value", filtered: true },
    { path: 'Emails[Type Eq "work"].VALUE', attribute: "emails", sub: "value", filtered: true },
    { path: 'addresses[type eq "a]b"].formatted', attribute: "addresses", sub: "formatted", filtered: true },
    { path: 'roles[primary eq "True"].value', attribute: "roles", sub: "value", filtered: true },
    {
      path: 'emails[value ew "@x.com" and not (type eq "home")].primary',
      attribute: "emails",
      sub: "primary",
      filtered: true,
    },
  ];
  it.each(valid)("resolves $path", ({ path, extension, attribute, sub, filtered }) => {
    const parsed = parsePatchPath(path, User);
    expect({
      extension: parsed.extension?.id,
      attribute: parsed.attribute.name,
      sub: parsed.subAttribute?.name,
      filtered: parsed.filter !== undefined,
    }).toEqual({ extension, attribute, sub, filtered: filtered ?? false });
  });

  it("binds the bracket filter: caseExact-aware strings, Entra's string booleans, and/or/not, pr", () => {
    const match = (path: string, element: ScimObject, type: ResourceType = User) =>
      parsePatchPath(path, type).filter?.matches(element);
    expect(match('emails[type eq "WORK"]', { type: "work" })).toBe(true);
    expect(match('emails[value sw "Bob"]', { value: "bob@x.com" })).toBe(true);
    expect(match('manager[value eq "M1"]', { value: "m1" })).toBe(false);
    expect(match('roles[primary eq "True"]', { primary: true })).toBe(true);
    expect(match('roles[primary eq "False"]', { primary: true })).toBe(false);
    expect(match('emails[type eq "work" and primary eq true]', { type: "work" })).toBe(false);
    expect(match('emails[type eq "home" or primary eq true]', { type: "work", primary: true })).toBe(true);
    expect(match('emails[not (type eq "home")]', { type: "work" })).toBe(true);
    expect(match("emails[display pr]", { display: "" })).toBe(false);
    expect(match('emails[type ne "home"]', {})).toBe(true);
    expect(match('emails[emails.type eq "work"]', { type: "work" })).toBe(true);
    // A URN inside the brackets may repeat the schema defining the filtered attribute, any case.
    expect(match(`emails[${CORE}:type eq "work"]`, { type: "work" })).toBe(true);
    expect(match(`emails[${CORE.toUpperCase()}:emails.type eq "work"]`, { type: "work" })).toBe(true);
    expect(match(`manager[${ENTERPRISE}:value eq "m1"]`, { value: "m1" })).toBe(true);
    expect(match('members[value eq "u1"]', { value: "u1" }, Group)).toBe(true);
  });

  it("derives the element a filter describes (eq joined by and) and the ids of or-joined value eqs", () => {
    expect(
      parsePatchPath('emails[type eq "work" and primary eq "True"].value', User).filter?.template,
    ).toEqual({
      type: "work",
      primary: "True",
    });
    expect(parsePatchPath('emails[type eq "work" or type eq "home"]', User).filter?.template).toBeUndefined();
    expect(
      parsePatchPath('emails[type eq "work" and type eq "home"]', User).filter?.template,
    ).toBeUndefined();
    expect(parsePatchPath('members[value eq "a" or value eq "b"]', Group).filter?.values).toEqual(["a", "b"]);
    expect(parsePatchPath('members[value eq "a" and type eq "User"]', Group).filter?.values).toBeUndefined();
  });

  const invalid: { path: string; code: ScimErrorCode; mention: string }[] = [
    { path: "nosuch", code: "invalidPath", mention: "'nosuch'" },
    { path: "name.nosuch", code: "invalidPath", mention: "'name.nosuch'" },
    { path: "name.givenName.more", code: "invalidPath", mention: "name.givenName.more" },
    { path: `${ENTERPRISE}:nosuch`, code: "invalidPath", mention: "nosuch" },
    { path: ENTERPRISE, code: "invalidPath", mention: ENTERPRISE },
    { path: "members", code: "invalidPath", mention: "'members'" },
    { path: 'emails[type eq "work"', code: "invalidPath", mention: "never closed" },
    { path: 'emails[type eq "work"]value', code: "invalidPath", mention: "value" },
    { path: 'emails[type eq "work"].nosuch', code: "invalidPath", mention: "nosuch" },
    { path: 'emails[type eq "work"].value.more', code: "invalidPath", mention: ".value.more" },
    { path: 'name.givenName[value eq "x"]', code: "invalidPath", mention: "name.givenName" },
    { path: 'userName[value eq "x"]', code: "invalidPath", mention: "not complex" },
    { path: "emails[]", code: "invalidFilter", mention: "emails[]" },
    { path: "emails[type eq]", code: "invalidFilter", mention: "emails[type eq]" },
    { path: 'emails[nosuch eq "x"]', code: "invalidFilter", mention: "nosuch" },
    { path: 'emails[primary gt "x"]', code: "invalidFilter", mention: "primary" },
    { path: 'emails[primary eq "maybe"]', code: "invalidFilter", mention: "primary" },
    { path: 'emails[type eq "a" and x[y eq "z"]]', code: "invalidFilter", mention: "nested" },
    { path: "emails[type lt null]", code: "invalidFilter", mention: "null" },
    // Names inside the brackets are sub-attributes of the filtered attribute (RFC 7644 §3.4.2.2):
    // another schema's URN does not quietly fall back to `emails.type` or `manager.value`.
    { path: `emails[${ENTERPRISE}:type eq "work"]`, code: "invalidFilter", mention: `'${ENTERPRISE}'` },
    { path: `emails[${CUSTOM}:type eq "work"].value`, code: "invalidFilter", mention: `'${CUSTOM}'` },
    { path: 'emails[urn:example:x:type eq "work"]', code: "invalidFilter", mention: "'urn:example:x'" },
    { path: `manager[${CORE}:value eq "m1"]`, code: "invalidFilter", mention: `'${CORE}'` },
  ];
  it.each(invalid)("rejects $path with $code", ({ path, code, mention }) => {
    expectScimError(() => parsePatchPath(path, User), code, mention);
  });

  it("resolves a bare extension attribute to the first extension defining it, like resolvePath", () => {
    const twin = { ...customSchema, id: "urn:ietf:params:scim:schemas:extension:Twin:2.0:User" };
    const { User: withTwin } = buildResourceTypes({ User: [customSchema, twin] });
    expect(parsePatchPath("badge", withTwin).extension?.id).toBe(CUSTOM);
    expect(parsePatchPath(`${twin.id}:badge`, withTwin).extension?.id).toBe(twin.id);
  });
});
