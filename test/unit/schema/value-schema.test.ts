import { describe, expect, test } from "vitest";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import { itemSchema, valueSchema } from "../../../shared/schema/value-schema.js";

const { User, Group } = buildResourceTypes();
const attribute = (attributes: typeof User.coreAttributes, name: string) => {
  const found = attributes.find((a) => a.name === name);
  if (!found) throw new Error(`no attribute ${name}`);
  return found;
};

describe("value schemas", () => {
  // A PATCH validates every element it adds (a 1,000-member add: 1,000 elements); a schema built per
  // element made zod compile it again each time.
  test("each attribute's element schema is built once and reused", () => {
    for (const a of [attribute(Group.coreAttributes, "members"), attribute(User.coreAttributes, "emails")]) {
      expect(a.multiValued).toBe(true);
      expect(itemSchema(a)).toBe(itemSchema(a));
      expect(valueSchema(a)).toBe(valueSchema(a));
    }
    const userName = attribute(User.coreAttributes, "userName");
    expect(itemSchema(userName)).toBe(valueSchema(userName));
  });

  test("a cached element schema still validates each value on its own", () => {
    const members = itemSchema(attribute(Group.coreAttributes, "members"));
    expect(members.safeParse({ value: "u1" }).success).toBe(true);
    expect(members.safeParse({ value: "u2", type: "User" }).success).toBe(true);
    expect(members.safeParse({ value: "u3", unknown: 1 }).success).toBe(false);
    expect(members.safeParse({ value: "u4" }).success).toBe(true);
  });
});
