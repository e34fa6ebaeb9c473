import { describe, expect, test } from "vitest";
import { ScimError } from "../../shared/errors/scim-error.js";
import { parseResource } from "../../shared/schema/parse-resource.js";
import { buildResourceTypes } from "../../shared/schema/resource-type.js";
import { CARDS, CUSTOM_USER, cardsExtension, sampleExtensions } from "./discovery/sample-extensions.js";

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

  test("an attribute given once with a value and once as null is given once", () => {
    const { resource } = parseResource(User, {
      userName: "a@x.com",
      [ENTERPRISE]: { department: null },
      [`${ENTERPRISE}:department`]: "R",
    });
    expect(resource).toEqual({ userName: "a@x.com", [ENTERPRISE]: { department: "R" } });
  });

  test.each([
    [[{}], {}],
    [[{ type: "work", primary: true }], {}],
    [[{ type: "work", value: "" }, { value: "a@x.com" }], { emails: [{ value: "a@x.com" }] }],
  ])("emails %j: elements without a value are dropped, as a PATCH drops them", (emails, rest) => {
    const { resource } = parseResource(User, { userName: "a@x.com", emails });
    expect(resource).toEqual({ userName: "a@x.com", ...rest });
  });

  test("an address of labels only is no address; one with a field is kept", () => {
    const addresses = [{ type: "work" }, { type: "home", locality: "Oslo" }];
    const { resource } = parseResource(User, { userName: "a@x.com", addresses });
    expect(resource.addresses).toEqual([{ type: "home", locality: "Oslo" }]);
  });

  test("a group's member without its id is kept, for the membership check to refuse", () => {
    const { Group } = buildResourceTypes();
    const { resource } = parseResource(Group, { displayName: "G", members: [{ type: "User" }] });
    expect(resource.members).toEqual([{ type: "User" }]);
  });

  test.each([
    [[{ value: "boss-id" }], { [ENTERPRISE]: { manager: { value: "boss-id" } } }],
    [[], {}],
    ["", {}],
    [{ value: "" }, {}],
    [[{ value: "" }], {}],
  ])(
    "manager %j takes the forms a PATCH takes: an array of one, or no id for no manager",
    (manager, rest) => {
      const { resource } = parseResource(User, { userName: "a@x.com", [ENTERPRISE]: { manager } });
      expect(resource).toEqual({ userName: "a@x.com", ...rest });
    },
  );

  test.each([
    [{ userName: 5 }, "invalidValue", "userName"],
    [{ displayName: "x" }, "invalidValue", "userName' is required"],
    [{ userName: " \t " }, "invalidValue", "userName' is required and cannot be blank"],
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
    // One attribute under two names would keep one value and silently drop the other.
    [{ userName: "a", USERNAME: "b" }, "invalidValue", "'userName' is given more than once"],
    [
      { userName: "a", "urn:ietf:params:scim:schemas:core:2.0:User:userName": "b" },
      "invalidValue",
      "'userName' is given more than once",
    ],
    [
      { userName: "a", [`${ENTERPRISE}:department`]: "R", [ENTERPRISE]: { Department: "S" } },
      "invalidValue",
      `'${ENTERPRISE}:department' is given more than once`,
    ],
    [
      { userName: "a", name: { givenName: "A", GIVENNAME: "B" } },
      "invalidValue",
      "'name.givenName': is given",
    ],
    [
      { userName: "a", [ENTERPRISE]: { manager: { value: "m1", Value: "m2" } } },
      "invalidValue",
      `'${ENTERPRISE}:manager.value': is given`,
    ],
    [
      { userName: "a", department: "R", [ENTERPRISE]: { department: "S" } },
      "invalidValue",
      `'${ENTERPRISE}:department' is given more than once`,
    ],
  ])("%j -> %s naming %s", (body, code, fragment) => {
    const e = error(body);
    expect(e.code).toBe(code);
    expect(e.status).toBe(400);
    expect(e.detail).toContain(fragment);
  });
});

describe("typed values of custom extension attributes (RFC 7643 §2.3)", () => {
  const { User: Custom } = buildResourceTypes(sampleExtensions());
  const withValue = (name: string, value: unknown) => ({
    userName: "t@x.com",
    [CUSTOM_USER]: { [name]: value },
  });

  test.each([
    ["badgeNumber", 9_007_199_254_740_991],
    ["photoHash", "aGVsbG8="],
    ["photoHash", "aGVs\nbG8="],
  ])("%s takes %j", (name, value) => {
    expect(parseResource(Custom, withValue(name, value)).resource[CUSTOM_USER]).toEqual({ [name]: value });
  });

  test.each([
    ["badgeNumber", 9_007_199_254_740_992],
    ["badgeNumber", 1.5],
    ["photoHash", "not base64!"],
    // RFC 4648 §4 (RFC 7643 §2.3.6): whole groups of 4, padded; not base64url.
    ["photoHash", "a"],
    ["photoHash", "aGVsbG8"],
    ["photoHash", "aGVsbG8=="],
    ["photoHash", "aGVs=bG8="],
    ["photoHash", "aGVsbG8-_w=="],
  ])("%s refuses %j with 400 invalidValue naming it", (name, value) => {
    expect(() => parseResource(Custom, withValue(name, value))).toThrow(
      expect.objectContaining({
        code: "invalidValue",
        detail: expect.stringContaining(`${CUSTOM_USER}:${name}`),
      }),
    );
  });
});

describe("dateTime values (RFC 7643 §2.3.5)", () => {
  const { User: Custom } = buildResourceTypes(sampleExtensions());
  const withEnd = (contractEnd: string) => ({ userName: "d@x.com", [CUSTOM_USER]: { contractEnd } });

  test.each([
    "2024-02-29T00:00:00Z",
    "2000-02-29T23:59:59.5+01:00",
    "2024-12-31T00:00:00-0800",
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
  ])("%s is a date-time", (value) => {
    expect(parseResource(Custom, withEnd(value)).resource[CUSTOM_USER]).toEqual({ contractEnd: value });
  });

  // Date.parse takes each of these, as March 1, May 1 or the next midnight: a value the client did
  // not send would be compared and filtered on.
  test.each([
    "2023-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2024-04-31T00:00:00Z",
    "2024-01-00T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "last Tuesday",
    // In UTC the year 10000 and -1: their ISO text ("+010000-…") would sort before "2024-…".
    "9999-12-31T23:00:00-02:00",
    "0000-01-01T00:30:00+01:00",
  ])("%s is 400 invalidValue naming the attribute", (value) => {
    expect(() => parseResource(Custom, withEnd(value))).toThrow(
      expect.objectContaining({
        code: "invalidValue",
        detail: expect.stringContaining(`${CUSTOM_USER}:contractEnd`),
      }),
    );
  });
});

describe("required sub-attributes (RFC 7643 §2.2)", () => {
  const EXT = CARDS;
  const { User: WithCards } = buildResourceTypes(cardsExtension());

  test.each([
    [{ card: { label: "L" } }, `'${EXT}:card.num'`],
    [{ card: { num: " ", label: "L" } }, `'${EXT}:card.num'`],
    [{ cards: [{ num: "1" }, { label: "L" }] }, `'${EXT}:cards[1].num'`],
  ])("%j is 400 invalidValue naming the value without it", (value, named) => {
    expect(() => parseResource(WithCards, { userName: "c@x.com", [EXT]: value })).toThrow(
      expect.objectContaining({ code: "invalidValue", detail: expect.stringContaining(named) }),
    );
  });

  test("values that carry it are kept; an attribute left out needs nothing", () => {
    const body = { userName: "c@x.com", [EXT]: { card: { num: "1" }, cards: [{ num: "2", label: "L" }] } };
    expect(parseResource(WithCards, body).resource[EXT]).toEqual(body[EXT]);
    expect(parseResource(WithCards, { userName: "c@x.com" }).resource[EXT]).toBeUndefined();
  });
});
