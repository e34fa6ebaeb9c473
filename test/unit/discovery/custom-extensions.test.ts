import { describe, expect, test } from "vitest";
import { ScimError } from "../../../shared/errors/scim-error.js";
import { attribute } from "../../../shared/schema/attribute.js";
import {
  CustomExtensionsError,
  type CustomExtensionsResult,
  parseCustomExtensions,
} from "../../../shared/schema/custom-extensions.js";
import { resolvePath } from "../../../shared/schema/resolve-path.js";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import { CORE_GROUP, CORE_USER, ENTERPRISE_USER } from "../../../shared/schema/schema.js";
import { CUSTOM_GROUP, CUSTOM_USER, SAMPLE_EXTENSIONS_JSON } from "./sample-extensions.js";

const URN = "urn:ietf:params:scim:schemas:extension:CustomApp:2.0:User";
const entry = (overrides: Record<string, unknown> = {}) => ({
  schema: URN,
  name: "CustomApp",
  resourceType: "User",
  attributes: [{ name: "costCode" }],
  ...overrides,
});
const parse = (value: unknown) => parseCustomExtensions(JSON.stringify(value));

function problems(result: CustomExtensionsResult): readonly string[] {
  if (result.ok) throw new Error("expected the configuration to be rejected");
  return result.error.problems;
}

describe("accepted configuration", () => {
  test("the documented example becomes a Schema with RFC 7643 §2.2 defaults from attribute()", () => {
    const result = parse([
      {
        schema: URN,
        name: "CustomApp",
        description: "CustomApp attributes",
        resourceType: "User",
        attributes: [
          {
            name: "costCode",
            type: "string",
            multiValued: false,
            required: false,
            caseExact: false,
            mutability: "readWrite",
            returned: "default",
            uniqueness: "none",
            description: "The cost code.",
            canonicalValues: ["A1", "B2"],
          },
          { name: "level" },
        ],
      },
    ]);
    expect(result).toStrictEqual({
      ok: true,
      extensions: {
        User: [
          {
            id: URN,
            name: "CustomApp",
            description: "CustomApp attributes",
            attributes: [
              attribute("costCode", "string", {
                description: "The cost code.",
                canonicalValues: ["A1", "B2"],
              }),
              attribute("level", "string"),
            ],
          },
        ],
        Group: [],
      },
    });
  });

  test("defaults leave no undefined keys behind; reference attributes default to referenceTypes ['external']", () => {
    const result = parse([
      entry({
        description: undefined,
        attributes: [
          { name: "site", type: "reference" },
          { name: "owner", type: "reference", referenceTypes: ["User"] },
        ],
      }),
    ]);
    if (!result.ok) throw result.error;
    const [schema] = result.extensions.User;
    expect(schema?.description).toBe("");
    expect(schema?.attributes[0]).toStrictEqual(attribute("site", "reference"));
    expect(schema?.attributes[0]?.referenceTypes).toEqual(["external"]);
    expect(schema?.attributes[1]?.referenceTypes).toEqual(["User"]);
    expect(Object.values(schema?.attributes[0] ?? {})).not.toContain(undefined);
  });

  test("binary attributes are case exact (RFC 7643 §2.3.6), as /Schemas publishes them; caseExact: false is refused", () => {
    const result = parse([entry({ attributes: [{ name: "photoHash", type: "binary" }] })]);
    if (!result.ok) throw result.error;
    expect(result.extensions.User[0]?.attributes[0]?.caseExact).toBe(true);
    expect(
      problems(parse([entry({ attributes: [{ name: "photoHash", type: "binary", caseExact: false }] })])),
    ).toEqual([
      `entry 0 (${URN}): attribute "photoHash": binary values are case exact (RFC 7643 §2.3.6); leave caseExact out.`,
    ]);
  });

  test("writeOnly attributes are returned: never (RFC 7643 §7), sub-attributes too; another returned is refused", () => {
    const result = parse([
      entry({
        attributes: [
          { name: "pin", mutability: "writeOnly" },
          { name: "card", type: "complex", subAttributes: [{ name: "secret", mutability: "writeOnly" }] },
        ],
      }),
    ]);
    if (!result.ok) throw result.error;
    const [pin, card] = result.extensions.User[0]?.attributes ?? [];
    expect(pin?.returned).toBe("never");
    expect(card?.subAttributes?.[0]?.returned).toBe("never");
    expect(
      problems(
        parse([entry({ attributes: [{ name: "pin", mutability: "writeOnly", returned: "default" }] })]),
      ),
    ).toEqual([
      `entry 0 (${URN}): attribute "pin": a writeOnly attribute is never returned (RFC 7643 §7); leave returned out or make it "never".`,
    ]);
  });

  test("a required attribute cannot be readOnly: no client could create a resource", () => {
    expect(
      problems(parse([entry({ attributes: [{ name: "code", required: true, mutability: "readOnly" }] })])),
    ).toEqual([
      `entry 0 (${URN}): attribute "code": a readOnly attribute cannot be required: clients cannot set it, so every create would fail.`,
    ]);
  });

  test("complex attributes with $ref sub-attributes, and entries split by resource type", () => {
    const result = parseCustomExtensions(SAMPLE_EXTENSIONS_JSON);
    if (!result.ok) throw result.error;
    expect(result.extensions.User.map((s) => s.id)).toEqual([CUSTOM_USER]);
    expect(result.extensions.Group.map((s) => s.id)).toEqual([CUSTOM_GROUP]);
    const sponsor = result.extensions.User[0]?.attributes.find((a) => a.name === "sponsor");
    expect(sponsor?.subAttributes?.map((s) => s.name)).toEqual(["value", "$ref", "displayName"]);
    expect(result.extensions.Group[0]?.attributes[1]).toMatchObject({
      name: "budget",
      type: "integer",
      required: true,
    });
  });

  test("the result plugs into buildResourceTypes and its attributes resolve by URN path", () => {
    const result = parseCustomExtensions(SAMPLE_EXTENSIONS_JSON);
    if (!result.ok) throw result.error;
    const { User, Group } = buildResourceTypes(result.extensions);
    expect(resolvePath(User, `${CUSTOM_USER}:sponsor.$ref`)?.subAttribute?.referenceTypes).toEqual(["User"]);
    expect(resolvePath(User, `${ENTERPRISE_USER}:department`)?.extension?.id).toBe(ENTERPRISE_USER);
    expect(resolvePath(Group, `${CUSTOM_GROUP}:budget`)?.attribute.type).toBe("integer");
  });

  test.each([
    ["empty text", ""],
    ["blank text", "  \n"],
    ["an empty array", "[]"],
  ])("%s means no extensions", (_, text) => {
    expect(parseCustomExtensions(text)).toStrictEqual({ ok: true, extensions: { User: [], Group: [] } });
  });

  test("a file saved with a byte order mark is read", () => {
    const result = parseCustomExtensions(`\uFEFF${JSON.stringify([entry()])}`);
    expect(result.ok).toBe(true);
  });

  test("required: true is accepted (enforced on POST/PUT like any required attribute)", () => {
    const result = parse([entry({ attributes: [{ name: "costCode", required: true }] })]);
    if (!result.ok) throw result.error;
    expect(result.extensions.User[0]?.attributes[0]?.required).toBe(true);
  });
});

describe("rejected configuration", () => {
  test("the error is a plain Error subclass for start-up, not a ScimError, and names its source", () => {
    const result = parseCustomExtensions("{", "/home/site/scim-extensions.json");
    if (result.ok) throw new Error("expected failure");
    expect(result.error).toBeInstanceOf(CustomExtensionsError);
    expect(result.error).toBeInstanceOf(Error);
    expect(result.error instanceof ScimError).toBe(false);
    expect(result.error.name).toBe("CustomExtensionsError");
    expect(result.error.message).toMatch(
      /^\/home\/site\/scim-extensions\.json is invalid:\n- not valid JSON: /,
    );
  });

  test("the default source is the app setting", () => {
    const result = parseCustomExtensions("nope");
    expect(!result.ok && result.error.message).toMatch(/^SCIM_SCHEMA_EXTENSIONS is invalid:/);
  });

  test.each<[string, unknown, RegExp]>([
    ["not an array", { schema: URN }, /^top level: expected a JSON array of schema extension objects$/],
    [
      "a misspelt characteristic",
      [entry({ attributes: [{ name: "costCode", mutablity: "readOnly" }] })],
      /^entry 0 \(urn:[^)]+\): attribute "costCode": Unrecognized key: "mutablity"$/,
    ],
    [
      "an unknown entry key",
      [entry({ schemas: [URN] })],
      /^entry 0 \(urn:[^)]+\): Unrecognized key: "schemas"$/,
    ],
    [
      "an unknown type",
      [entry({ attributes: [{ name: "costCode", type: "text" }] })],
      /^entry 0 \(.+\): attribute "costCode": type: Invalid option/,
    ],
    [
      "an unknown sub-attribute characteristic",
      [
        entry({
          attributes: [{ name: "a", type: "complex", subAttributes: [{ name: "b", retuned: "never" }] }],
        }),
      ],
      /attribute "a\.b": Unrecognized key: "retuned"$/,
    ],
    [
      "a missing resourceType",
      [entry({ resourceType: undefined })],
      /^entry 0 \(.+\): resourceType: Invalid option: expected one of "User"\|"Group"$/,
    ],
    ["an unsupported resourceType", [entry({ resourceType: "Device" })], /resourceType: Invalid option/],
    ["a missing name", [entry({ name: undefined })], /^entry 0 \(.+\): name: /],
    ["no attributes", [entry({ attributes: [] })], /^entry 0 \(.+\): attributes: Too small/],
    ["a non-string schema", [entry({ schema: 7 })], /^entry 0: schema: Invalid input: expected string/],
    [
      "a boolean as a string",
      [entry({ attributes: [{ name: "x", required: "true" }] })],
      /attribute "x": required: Invalid input: expected boolean/,
    ],
    [
      "empty referenceTypes",
      [entry({ attributes: [{ name: "x", type: "reference", referenceTypes: [] }] })],
      /attribute "x": referenceTypes: Too small/,
    ],
  ])("shape: %s", (_, value, message) => {
    expect(problems(parse(value))).toEqual([expect.stringMatching(message)]);
  });

  test("invalid JSON", () => {
    expect(problems(parseCustomExtensions('[{"schema": }]'))).toEqual([
      expect.stringMatching(/^not valid JSON: /),
    ]);
  });

  test.each<[string, string, RegExp]>([
    ["not a URN", "CustomApp:2.0:User", /must be a URN starting with "urn:"/],
    ["an http URI", "http://schemas.example/CustomApp/User", /must be a URN starting with "urn:"/],
    ["a slash in the URN", "urn:example:custom/app", /is not a usable URN/],
    ["a space in the URN", "urn:example:custom app", /is not a usable URN/],
    ["a trailing colon", "urn:example:custom:", /is not a usable URN/],
    ["an empty segment", "urn:example::custom", /is not a usable URN/],
    ["no namespace-specific string", "urn:example", /is not a usable URN/],
    ["the core User URN", CORE_USER, /URN of a built-in schema/],
    ["the core Group URN in another case", CORE_GROUP.toLowerCase(), /URN of a built-in schema/],
    ["the enterprise URN", ENTERPRISE_USER, /URN of a built-in schema/],
    [
      "the reserved core namespace",
      "urn:ietf:params:scim:schemas:core:2.0:Device",
      /reserved for SCIM core schemas/,
    ],
    [
      "the reserved api namespace",
      "urn:ietf:params:scim:api:messages:2.0:Custom",
      /reserved for SCIM core schemas/,
    ],
    [
      "a URN inside the enterprise URN",
      `${ENTERPRISE_USER}:Custom`,
      /starts with the URN of schema "urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User"/,
    ],
  ])("URN: %s", (_, urn, message) => {
    expect(problems(parse([entry({ schema: urn })]))).toEqual([expect.stringMatching(message)]);
  });

  test("URN: duplicates, compared case-insensitively, across resource types too", () => {
    const result = parse([
      entry(),
      entry({ schema: URN.toUpperCase().replace("URN:", "urn:"), resourceType: "Group" }),
    ]);
    expect(problems(result)).toEqual([expect.stringMatching(/^entry 1 \(.+\): the URN duplicates entry 0/)]);
  });

  test("URN: one custom URN inside another", () => {
    const result = parse([entry(), entry({ schema: `${URN}:Extra` })]);
    expect(problems(result)).toEqual([
      expect.stringMatching(
        /^entry 1 \(.+\): the URN starts with the URN of schema "urn:.+:CustomApp:2\.0:User"/,
      ),
    ]);
  });

  test.each<[string, unknown[], RegExp]>([
    [
      "a name starting with a digit",
      [{ name: "1stLevel" }],
      /attribute "1stLevel": the name must start with a letter/,
    ],
    [
      "a name with a space",
      [{ name: "cost code" }],
      /attribute "cost code": the name must start with a letter/,
    ],
    [
      "a name with a dot",
      [{ name: "cost.code" }],
      /attribute "cost\.code": the name must start with a letter/,
    ],
    ["an empty name", [{ name: "" }], /attribute "": the name must start with a letter/],
    [
      "$ref as a top-level attribute",
      [{ name: "$ref", type: "reference" }],
      /attribute "\$ref": the name must start with a letter .*\(RFC 7643 §2\.1\)\.$/,
    ],
    [
      "a bad sub-attribute name",
      [{ name: "a", type: "complex", subAttributes: [{ name: "_b" }] }],
      /attribute "a\._b": the name must start with a letter.*or be "\$ref"/,
    ],
    [
      "duplicate names in another case",
      [{ name: "costCode" }, { name: "COSTCODE" }],
      /attribute "COSTCODE": duplicate name/,
    ],
    [
      "duplicate sub-attribute names",
      [{ name: "a", type: "complex", subAttributes: [{ name: "b" }, { name: "B" }] }],
      /attribute "a\.B": duplicate name/,
    ],
    [
      "sub-attributes on a string",
      [{ name: "a", subAttributes: [{ name: "b" }] }],
      /attribute "a": only attributes of type "complex" may have subAttributes, this one is "string"/,
    ],
    [
      "a complex attribute without sub-attributes",
      [{ name: "a", type: "complex" }],
      /attribute "a": a complex attribute needs subAttributes/,
    ],
    [
      "a complex attribute with empty sub-attributes",
      [{ name: "a", type: "complex", subAttributes: [] }],
      /attribute "a": a complex attribute needs subAttributes/,
    ],
    [
      "a complex sub-attribute",
      [{ name: "a", type: "complex", subAttributes: [{ name: "b", type: "complex" }] }],
      /attribute "a\.b": complex attributes nest one level only/,
    ],
    [
      "sub-sub-attributes",
      [{ name: "a", type: "complex", subAttributes: [{ name: "b", subAttributes: [{ name: "c" }] }] }],
      /attribute "a\.b": complex attributes nest one level only/,
    ],
    [
      "a multi-valued sub-attribute",
      [{ name: "a", type: "complex", subAttributes: [{ name: "b", multiValued: true }] }],
      /attribute "a\.b": multi-valued sub-attributes are not supported/,
    ],
    [
      "uniqueness server",
      [{ name: "badge", uniqueness: "server" }],
      /attribute "badge": uniqueness "server" cannot be enforced for extension attributes/,
    ],
    [
      "uniqueness global",
      [{ name: "badge", uniqueness: "global" }],
      /attribute "badge": uniqueness "global" cannot be enforced/,
    ],
    [
      "uniqueness server on a sub-attribute",
      [{ name: "a", type: "complex", subAttributes: [{ name: "b", uniqueness: "server" }] }],
      /attribute "a\.b": uniqueness "server" cannot be enforced/,
    ],
    [
      "referenceTypes on a string",
      [{ name: "site", referenceTypes: ["external"] }],
      /attribute "site": referenceTypes apply only to attributes of type "reference"/,
    ],
  ])("attributes: %s", (_, attributes, message) => {
    expect(problems(parse([entry({ attributes })]))).toEqual([
      expect.stringMatching(new RegExp(`^entry 0 \\(${URN}\\): .*${message.source}`)),
    ]);
  });

  test("every problem is reported at once, each naming its entry", () => {
    const result = parse([
      entry({ attributes: [{ name: "a", uniqueness: "server" }, { name: "A" }] }),
      entry({ schema: CORE_USER }),
    ]);
    expect(problems(result)).toEqual([
      expect.stringMatching(/^entry 0 .*attribute "a": uniqueness/),
      expect.stringMatching(/^entry 0 .*attribute "A": duplicate name/),
      expect.stringMatching(
        /^entry 1 \(urn:ietf:params:scim:schemas:core:2\.0:User\): this is the URN of a built-in schema/,
      ),
    ]);
    expect(!result.ok && result.error.message.split("\n")).toHaveLength(4);
  });
});
