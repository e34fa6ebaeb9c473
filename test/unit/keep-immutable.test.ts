import { describe, expect, test } from "vitest";
import { ScimError } from "../../shared/errors/scim-error.js";
import { parseCustomExtensions } from "../../shared/schema/custom-extensions.js";
import { keepImmutable } from "../../shared/schema/keep-immutable.js";
import { buildResourceTypes } from "../../shared/schema/resource-type.js";

/** RFC 7644 §3.5.1: a PUT must send an immutable value unchanged, and cannot clear it. */

const URN = "urn:ietf:params:scim:schemas:extension:Hr:2.0:User";
const parsed = parseCustomExtensions(
  JSON.stringify([
    {
      schema: URN,
      name: "Hr",
      resourceType: "User",
      attributes: [
        { name: "hireCode", mutability: "immutable" },
        { name: "site" },
        {
          name: "badge",
          type: "complex",
          subAttributes: [{ name: "serial", mutability: "immutable" }, { name: "colour" }],
        },
      ],
    },
  ]),
);
if (!parsed.ok) throw parsed.error;
const User = buildResourceTypes(parsed.extensions).User;

const stored = {
  userName: "a",
  [URN]: { hireCode: "H1", site: "Oslo", badge: { serial: "S1", colour: "red" } },
};

const refusal = (next: Record<string, unknown>) => {
  try {
    keepImmutable(User, stored, next as never);
  } catch (error) {
    return error as ScimError;
  }
  throw new Error("expected a refusal");
};

describe("keepImmutable (PUT)", () => {
  test("the same immutable values pass; other attributes are replaced as sent", () => {
    const next = { userName: "b", [URN]: { hireCode: "H1", badge: { serial: "S1" } } };
    expect(keepImmutable(User, stored, next)).toEqual(next);
  });

  test("left out, an immutable value is kept, a sub-attribute's too", () => {
    expect(keepImmutable(User, stored, { userName: "a" })).toEqual({
      userName: "a",
      [URN]: { hireCode: "H1", badge: { serial: "S1" } },
    });
    expect(
      keepImmutable(User, stored, { userName: "a", [URN]: { site: "Bergen", badge: { colour: "blue" } } }),
    ).toEqual({
      userName: "a",
      [URN]: { site: "Bergen", hireCode: "H1", badge: { colour: "blue", serial: "S1" } },
    });
  });

  test("a changed immutable value is 400 mutability naming it", () => {
    const top = refusal({ userName: "a", [URN]: { hireCode: "H2" } });
    expect(top).toBeInstanceOf(ScimError);
    expect(top.code).toBe("mutability");
    expect(top.detail).toContain(`${URN}:hireCode`);
    expect(refusal({ userName: "a", [URN]: { hireCode: "H1", badge: { serial: "S2" } } }).detail).toContain(
      `${URN}:badge.serial`,
    );
  });

  test("a value matching as the attribute compares (caseExact false: any case) passes, and the stored one stays", () => {
    const next = { userName: "a", [URN]: { hireCode: "h1", badge: { serial: "s1" } } };
    expect(keepImmutable(User, stored, next)).toEqual({
      userName: "a",
      [URN]: { hireCode: "H1", badge: { serial: "S1" } },
    });
  });

  test("an immutable attribute without a value yet takes the one sent", () => {
    const fresh = { userName: "a" };
    const next = { userName: "a", [URN]: { hireCode: "H9" } };
    expect(keepImmutable(User, fresh, next)).toEqual(next);
  });
});
