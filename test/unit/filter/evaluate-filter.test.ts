import { describe, expect, test } from "vitest";
import { bindFilter } from "../../../shared/filter/bind-filter.js";
import { evaluateFilter, type FilterableDocument } from "../../../shared/filter/evaluate-filter.js";
import { parseFilter } from "../../../shared/filter/parse-filter.js";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import type { ScimObject } from "../../../shared/schema/scim-json.js";
import { ENTERPRISE } from "./filter-builders.js";

const { User, Group } = buildResourceTypes();
const user = (normalized: ScimObject, id = "U-1"): FilterableDocument => ({ id, normalized });
const matches = (text: string, document: FilterableDocument) =>
  evaluateFilter(bindFilter(parseFilter(text), User), document);

const bjensen = user({
  userName: "bjensen",
  title: "",
  active: false,
  emails: [
    { type: "work", value: "bj@example.com", primary: true },
    { type: "home", value: "babs@jensen.org" },
  ],
  name: { familyName: "jensen" },
  [ENTERPRISE]: { manager: { value: "M-1" } },
  meta: { created: "2024-01-01T00:00:00.000Z" },
});
const empty = user({}, "U-2");

describe("evaluateFilter", () => {
  const cases: [string, FilterableDocument, boolean][] = [
    ['userName eq "BJensen"', bjensen, true],
    ['id eq "U-1"', bjensen, true],
    ['id eq "u-1"', bjensen, false],
    ['manager eq "M-1"', bjensen, true],
    ['manager eq "m-1"', bjensen, false],
    ['emails[type eq "work"].value eq "BJ@example.com"', bjensen, true],
    ['emails[type eq "home"].value eq "bj@example.com"', bjensen, false],
    ['emails[type eq "work" and primary eq "True"]', bjensen, true],
    ['emails co "jensen"', bjensen, true],
    ['meta.created lt "2024-01-01T01:00:00+01:00"', bjensen, false],
    ['meta.created le "2024-01-01T01:00:00+01:00"', bjensen, true],
    // `ne` is the complement of `eq`: it holds when the attribute is absent.
    ['displayName ne "x"', bjensen, true],
    ['userName ne "bjensen"', bjensen, false],
    // On a multi-valued attribute it is existential like every test: some element differs.
    ['emails.value ne "bj@example.com"', bjensen, true],
    ['emails.value ne "x"', empty, false],
    ['not (emails.value eq "bj@example.com")', bjensen, false],
    // `pr` needs a non-empty value; `eq null` is its negation.
    ["title pr", bjensen, false],
    ["title eq null", bjensen, true],
    ["active pr", bjensen, true],
    ["active eq false", bjensen, true],
    ["name pr", bjensen, true],
    ["name pr", empty, false],
    ["emails pr", empty, false],
    ["manager ne null", bjensen, true],
    ['not (title pr) and not (displayName pr) and userName sw "b"', bjensen, true],
  ];

  test.each(cases)("%s", (text, document, expected) => {
    expect(matches(text, document)).toBe(expected);
  });

  test("values of the wrong JSON type never compare, so only ne holds", () => {
    const odd = user({ userName: 5, active: "true", emails: null });
    expect(matches('userName eq "5"', odd)).toBe(false);
    expect(matches('userName ne "5"', odd)).toBe(true);
    expect(matches("userName pr", odd)).toBe(false);
    expect(matches("active eq true", odd)).toBe(false);
    expect(matches('emails.value ne "x"', odd)).toBe(false);
  });

  test("external attributes read normalized by default, or go to evaluateExternal", () => {
    const group: FilterableDocument = {
      id: "G-1",
      normalized: { displayName: "sales", members: [{ value: "U-1" }] },
    };
    const bound = bindFilter(parseFilter('members[value eq "U-1"]'), Group);
    expect(evaluateFilter(bound, group)).toBe(true);
    expect(evaluateFilter(bound, group, { evaluateExternal: () => false })).toBe(false);
  });
});
