import { describe, expect, test } from "vitest";
import { bindFilter } from "../../../shared/filter/bind-filter.js";
import { compileFilter, findExternalFilters } from "../../../shared/filter/compile-filter.js";
import { parseFilter } from "../../../shared/filter/parse-filter.js";
import { buildResourceTypes } from "../../../shared/schema/resource-type.js";
import { filterToSql } from "./filter-builders.js";

const { User, Group } = buildResourceTypes();
const MGR = 'c.normalized["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["manager"]["value"]';

describe("filterToSql: Entra's filters are plain equality on one indexed path", () => {
  test("Test Connection and user matching by userName (lower-cased: caseExact=false)", () => {
    expect(filterToSql('userName eq "8D0E1B0A-Test@Contoso.com"', User)).toEqual({
      where: 'c.normalized["userName"] = @p0',
      parameters: [{ name: "@p0", value: "8d0e1b0a-test@contoso.com" }],
    });
  });

  test("externalId is caseExact: not lowered", () => {
    expect(filterToSql('externalId eq "AbC-123"', User)).toEqual({
      where: 'c.normalized["externalId"] = @p0',
      parameters: [{ name: "@p0", value: "AbC-123" }],
    });
  });

  test("manager check: id is the item id, a bare manager is the extension's manager.value", () => {
    expect(filterToSql('id eq "U-1" and manager eq "M-2"', User)).toEqual({
      where: `c.id = @p0 AND ${MGR} = @p1`,
      parameters: [
        { name: "@p0", value: "U-1" },
        { name: "@p1", value: "M-2" },
      ],
    });
  });

  test("group matching by displayName", () => {
    expect(filterToSql('displayName eq "Sales Team"', Group)).toEqual({
      where: 'c.normalized["displayName"] = @p0',
      parameters: [{ name: "@p0", value: "sales team" }],
    });
  });

  test("work email: one EXISTS with two equalities on the same element", () => {
    expect(filterToSql('emails[type eq "work"].value eq "Jo@X.com"', User)).toEqual({
      where:
        'EXISTS(SELECT VALUE e FROM e IN c.normalized["emails"] WHERE e["type"] = @p0 AND e["value"] = @p1)',
      parameters: [
        { name: "@p0", value: "work" },
        { name: "@p1", value: "jo@x.com" },
      ],
    });
  });
});

describe("filterToSql: other filters", () => {
  const M = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
  const cases: [string, string][] = [
    // `ne` also matches items without the attribute: "not a string, or a different string".
    ['title ne "Boss"', '(IS_STRING(c.normalized["title"]) ? c.normalized["title"] != @p0 : true)'],
    ['userName co "a"', 'CONTAINS(c.normalized["userName"], @p0)'],
    ['userName sw "a"', 'STARTSWITH(c.normalized["userName"], @p0)'],
    ['userName ew "a"', 'ENDSWITH(c.normalized["userName"], @p0)'],
    ['meta.created gt "2024-01-01T00:00:00Z"', 'c.normalized["meta"]["created"] > @p0'],
    ['meta.lastModified le "2024-01-01"', 'c.normalized["meta"]["lastModified"] <= @p0'],
    ["title pr", 'LENGTH(c.normalized["title"]) > 0'],
    ["active pr", 'IS_BOOL(c.normalized["active"])'],
    ["active eq false", 'c.normalized["active"] = @p0'],
    ["title eq null", '(IS_STRING(c.normalized["title"]) ? LENGTH(c.normalized["title"]) = 0 : true)'],
    ["not (active pr)", 'NOT IS_BOOL(c.normalized["active"])'],
    [
      'emails co "@x.com"',
      'EXISTS(SELECT VALUE e FROM e IN c.normalized["emails"] WHERE CONTAINS(e["value"], @p0))',
    ],
    [
      'not (emails[type eq "work"])',
      'NOT EXISTS(SELECT VALUE e FROM e IN c.normalized["emails"] WHERE e["type"] = @p0)',
    ],
    [
      "manager pr",
      `(LENGTH(c.normalized["${M}"]["manager"]["value"]) > 0 OR LENGTH(c.normalized["${M}"]["manager"]["$ref"]) > 0 OR ` +
        `LENGTH(c.normalized["${M}"]["manager"]["displayName"]) > 0)`,
    ],
    // NOT is pushed down to the tests (De Morgan), each negated test written as its total complement.
    [
      'not (userName eq "a")',
      '(IS_STRING(c.normalized["userName"]) ? c.normalized["userName"] != @p0 : true)',
    ],
    [
      'not (userName sw "a" or active eq true)',
      '(IS_STRING(c.normalized["userName"]) ? NOT STARTSWITH(c.normalized["userName"], @p0) : true) AND (IS_BOOL(c.normalized["active"]) ? c.normalized["active"] != @p1 : true)',
    ],
    [
      'not (title pr and active eq true) and displayName eq "x"',
      '((IS_STRING(c.normalized["title"]) ? LENGTH(c.normalized["title"]) = 0 : true) OR (IS_BOOL(c.normalized["active"]) ? c.normalized["active"] != @p0 : true)) AND c.normalized["displayName"] = @p1',
    ],
    ['not (not (userName gt "m"))', 'c.normalized["userName"] > @p0'],
    [
      'not (meta.created ge "2024-01-01")',
      '(IS_STRING(c.normalized["meta"]["created"]) ? c.normalized["meta"]["created"] < @p0 : true)',
    ],
    [
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      'c.normalized["userType"] = @p0 AND (EXISTS(SELECT VALUE e FROM e IN c.normalized["emails"] WHERE CONTAINS(e["value"], @p1)) OR ' +
        'EXISTS(SELECT VALUE e FROM e IN c.normalized["emails"] WHERE CONTAINS(e["value"], @p2)))',
    ],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      '(IS_STRING(c.normalized["userType"]) ? c.normalized["userType"] != @p0 : true) AND ' +
        'NOT EXISTS(SELECT VALUE e FROM e IN c.normalized["emails"] WHERE CONTAINS(e["value"], @p1)) AND ' +
        'NOT EXISTS(SELECT VALUE e FROM e IN c.normalized["emails"] WHERE CONTAINS(e["value"], @p2))',
    ],
    [
      'emails[type eq "work" and not (value ew "@x.com")]',
      'EXISTS(SELECT VALUE e FROM e IN c.normalized["emails"] WHERE e["type"] = @p0 AND (IS_STRING(e["value"]) ? NOT ENDSWITH(e["value"], @p1) : true))',
    ],
    // A top-level OR comes parenthesized, so that `c.tenantId = @tenant AND <where>` is safe.
    [
      "title pr or nickName pr and locale pr",
      '(LENGTH(c.normalized["title"]) > 0 OR (LENGTH(c.normalized["nickName"]) > 0 AND LENGTH(c.normalized["locale"]) > 0))',
    ],
    [
      'title eq "a" and title eq "b" and (title eq "c" or title eq "d" or title eq "e")',
      'c.normalized["title"] = @p0 AND c.normalized["title"] = @p1 AND (c.normalized["title"] = @p2 OR c.normalized["title"] = @p3 OR c.normalized["title"] = @p4)',
    ],
    [
      'meta[created ge "2024-01-01T00:00:00Z" and lastModified lt "2025-01-01T00:00:00Z"]',
      'c.normalized["meta"]["created"] >= @p0 AND c.normalized["meta"]["lastModified"] < @p1',
    ],
  ];

  test.each(cases)("%s", (text, where) => {
    expect(filterToSql(text, User).where).toBe(where);
  });

  test("values never reach the SQL text, only parameters", () => {
    const sql = filterToSql('userName eq "x\\") OR 1=1 --" or title co "\'"', User);
    expect(sql.where).toBe('(c.normalized["userName"] = @p0 OR CONTAINS(c.normalized["title"], @p1))');
    expect(sql.parameters.map((p) => p.value)).toEqual(['x") or 1=1 --', "'"]);
  });

  test("emits none of the constructs the embedded emulator lacks", () => {
    const texts = [
      'userName eq "x" or not (emails[type eq "work" or primary eq true].value sw "a")',
      'meta.created gt "2024-01-01" and name.familyName pr and not (title eq null)',
    ];
    for (const text of texts) {
      expect(filterToSql(text, User).where).not.toMatch(/STRINGEQUALS|OFFSET|LIMIT|DISTINCT|GROUP BY/i);
    }
  });

  test("a long flat chain compiles without deep parentheses", () => {
    const chain = Array.from({ length: 200 }, (_, i) => `title eq "${i}"`).join(" or ");
    const { where, parameters } = filterToSql(chain, User);
    expect(parameters).toHaveLength(200);
    expect(where.startsWith('(c.normalized["title"] = @p0 OR c.normalized["title"] = @p1 OR')).toBe(true);
    expect(where.indexOf("(", 1)).toBe(-1);
  });
});

describe("external attributes (User groups, Group members)", () => {
  test("are refused with invalidFilter unless the caller resolves them", () => {
    expect(() => filterToSql('groups.value eq "g1"', User)).toThrow(
      expect.objectContaining({ code: "invalidFilter", message: 'Filtering on "groups" is not supported' }),
    );
    expect(() => filterToSql('members[value eq "u1"]', Group)).toThrow(
      'Filtering on "members" is not supported',
    );
    expect(() => filterToSql("members pr", Group, { resolveExternal: () => undefined })).toThrow(
      'Filtering on "members" is not supported',
    );
  });

  test("resolveExternal splices the caller's boolean expression and shares the parameter numbering", () => {
    const bound = bindFilter(parseFilter('displayName sw "a" and not (members[value eq "U1"])'), Group);
    const externals = findExternalFilters(bound);
    expect(externals).toHaveLength(1);
    expect(externals[0]).toMatchObject({ attribute: "members", filter: { kind: "any", keys: ["members"] } });
    const sql = compileFilter(bound, {
      resolveExternal: (filter, addParameter) =>
        filter.attribute === "members" ? `ARRAY_CONTAINS(${addParameter(["g1", "g2"])}, c.id)` : undefined,
    });
    expect(sql).toEqual({
      where: 'STARTSWITH(c.normalized["displayName"], @p0) AND NOT (ARRAY_CONTAINS(@p1, c.id))',
      parameters: [
        { name: "@p0", value: "a" },
        { name: "@p1", value: ["g1", "g2"] },
      ],
    });
  });
});
