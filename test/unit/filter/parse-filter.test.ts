import { describe, expect, test } from "vitest";
import { ScimError } from "../../../shared/errors/scim-error.js";
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter } from "../../../shared/filter/parse-filter.js";
import { and, cmp, ENTERPRISE, not, or, path, pr, valuePath, withoutPositions } from "./filter-builders.js";

const valid: [string, unknown][] = [
  // Every operator, RFC 7644 §3.4.2.2 table.
  ['userName eq "bjensen"', cmp("userName", "eq", "bjensen")],
  ['title ne "Boss"', cmp("title", "ne", "Boss")],
  ['name.familyName co "O\'Malley"', cmp("name.familyName", "co", "O'Malley")],
  ['userName sw "J"', cmp("userName", "sw", "J")],
  ['userName ew "sen"', cmp("userName", "ew", "sen")],
  ['meta.lastModified gt "2011-05-13T04:42:34Z"', cmp("meta.lastModified", "gt", "2011-05-13T04:42:34Z")],
  ['meta.lastModified ge "2011-05-13T04:42:34Z"', cmp("meta.lastModified", "ge", "2011-05-13T04:42:34Z")],
  ['meta.lastModified lt "2011-05-13T04:42:34Z"', cmp("meta.lastModified", "lt", "2011-05-13T04:42:34Z")],
  ['meta.lastModified le "2011-05-13T04:42:34Z"', cmp("meta.lastModified", "le", "2011-05-13T04:42:34Z")],
  ["title pr", pr("title")],
  // Keywords and literals are case-insensitive; attribute names are kept as written.
  ['USERNAME EQ "x"', cmp("USERNAME", "eq", "x")],
  ["title PR", pr("title")],
  ["active eq TRUE", cmp("active", "eq", true)],
  ["active Eq False", cmp("active", "eq", false)],
  ["title eq NULL", cmp("title", "eq", null)],
  ['userName eq "a" AND title Pr', and(cmp("userName", "eq", "a"), pr("title"))],
  ['NOT (userName eq "a")', not(cmp("userName", "eq", "a"))],
  // Numbers: JSON grammar.
  ["x eq 42", cmp("x", "eq", 42)],
  ["x eq 0", cmp("x", "eq", 0)],
  ["x gt -1.5", cmp("x", "gt", -1.5)],
  ["x lt 1e3", cmp("x", "lt", 1000)],
  ["x le 2.5E-2", cmp("x", "le", 0.025)],
  ["x ge -0.5e+1", cmp("x", "ge", -5)],
  // Strings: JSON escapes.
  ['displayName eq "a\\"b\\\\c\\u00e9\\n\\/\\t"', cmp("displayName", "eq", 'a"b\\cé\n/\t')],
  ['displayName eq ""', cmp("displayName", "eq", "")],
  // A surrogate pair spelled as two escapes is one character.
  ['displayName eq "\\ud83d\\ude00"', cmp("displayName", "eq", "\u{1F600}")],
  ['displayName eq "and or not ) ( ] ["', cmp("displayName", "eq", "and or not ) ( ] [")],
  // Precedence: not > and > or, left-associative.
  ["a pr or b pr and c pr", or(pr("a"), and(pr("b"), pr("c")))],
  ["a pr and b pr or c pr", or(and(pr("a"), pr("b")), pr("c"))],
  ["a pr and b pr and c pr", and(and(pr("a"), pr("b")), pr("c"))],
  ["a pr or b pr or c pr", or(or(pr("a"), pr("b")), pr("c"))],
  ["(a pr or b pr) and c pr", and(or(pr("a"), pr("b")), pr("c"))],
  ["not (a pr) and b pr", and(not(pr("a")), pr("b"))],
  ["not (a pr or b pr)", not(or(pr("a"), pr("b")))],
  ["not(a pr)", not(pr("a"))],
  ["not (not (a pr))", not(not(pr("a")))],
  ["((a pr))", pr("a")],
  ["a pr and not (b pr) or c pr", or(and(pr("a"), not(pr("b"))), pr("c"))],
  // Whitespace is tolerated beyond the single SP of the ABNF.
  ['  userName \t eq\n"x"  ', cmp("userName", "eq", "x")],
  // RFC 7644 §3.4.2.2 examples.
  [
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    and(
      cmp("userType", "eq", "Employee"),
      or(cmp("emails", "co", "example.com"), cmp("emails.value", "co", "example.org")),
    ),
  ],
  [
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    and(
      cmp("userType", "ne", "Employee"),
      not(or(cmp("emails", "co", "example.com"), cmp("emails.value", "co", "example.org"))),
    ),
  ],
  [
    'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    or(
      valuePath("emails", and(cmp("type", "eq", "work"), cmp("value", "co", "@example.com"))),
      valuePath("ims", and(cmp("type", "eq", "xmpp"), cmp("value", "co", "@foo.com"))),
    ),
  ],
  // Value paths, with Entra's trailing sub-attribute test.
  [
    'emails[type eq "work"].value eq "x@y"',
    valuePath("emails", cmp("type", "eq", "work"), cmp("value", "eq", "x@y")),
  ],
  ['roles[primary eq "True"].value pr', valuePath("roles", cmp("primary", "eq", "True"), pr("value"))],
  [
    'emails[not (type eq "work") or primary eq true]',
    valuePath("emails", or(not(cmp("type", "eq", "work")), cmp("primary", "eq", true))),
  ],
  ['emails[(type eq "a")]', valuePath("emails", cmp("type", "eq", "a"))],
  ['members[$ref eq "x"]', valuePath("members", cmp("$ref", "eq", "x"))],
  // URN-qualified paths: the URI ends at the last colon; "2.0" keeps its dot.
  [`${ENTERPRISE}:department eq "Tour"`, cmp(path("department", ENTERPRISE), "eq", "Tour")],
  [`${ENTERPRISE}:manager.value eq "26118915"`, cmp(path("manager.value", ENTERPRISE), "eq", "26118915")],
  [
    "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName pr",
    pr(path("name.familyName", "urn:ietf:params:scim:schemas:core:2.0:User")),
  ],
];

const invalid: [string, string][] = [
  ['userName equals "x"', 'Expected a comparison operator at position 10 of the filter, found "equals"'],
  ['userName = "x"', 'Expected a comparison operator at position 10 of the filter, found "="'],
  ["userName", "Expected a comparison operator at position 9 of the filter, found the end of the filter"],
  ['userName "x"', 'Expected a comparison operator at position 10 of the filter, found the string "x"'],
  [
    "userName eq",
    "Expected a value (a string, a number, true, false or null) at position 12 of the filter, found the end of the filter",
  ],
  [
    "userName eq bob",
    'Expected a value (a string, a number, true, false or null) at position 13 of the filter, found "bob"',
  ],
  [
    "userName eq 'bob'",
    'Expected a value (a string, a number, true, false or null) at position 13 of the filter, found "\'"',
  ],
  [
    'userName eq "abc',
    'Expected a closing quote (") for the string that starts at position 13 of the filter, found the end of the filter',
  ],
  [
    'userName eq "a\\qb"',
    'Expected an escape sequence (\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX) at position 15 of the filter, found "\\\\q"',
  ],
  ['userName eq "a\\u12"', 'at position 15 of the filter, found "\\\\u"'],
  ['userName eq "a\tb"', "Expected an escaped control character at position 15 of the filter, found U+0009"],
  // Half a surrogate pair is no Unicode text (RFC 8259 §8.2): refused, not sent to Cosmos DB.
  [
    'userName eq "a\\ud800b"',
    "The string at position 13 of the filter holds an unpaired surrogate escape (\\uD800-\\uDFFF without its other half), which is not Unicode text",
  ],
  ['emails[value eq "\\udc00"] pr', "The string at position 17 of the filter holds an unpaired surrogate"],
  ["x eq 01", 'Expected a JSON number at position 6 of the filter, found "01"'],
  ["x eq 1.", 'Expected a JSON number at position 6 of the filter, found "1."'],
  ["x eq -", 'Expected a JSON number at position 6 of the filter, found "-"'],
  ["x eq 12abc", 'Expected a JSON number at position 6 of the filter, found "12abc"'],
  ["x eq 1e999", 'Expected a number within range at position 6 of the filter, found "1e999"'],
  [
    '(userName eq "x"',
    'Expected "and", "or" or ")" at position 17 of the filter, found the end of the filter',
  ],
  [
    '((userName eq "x")',
    'Expected "and", "or" or ")" at position 19 of the filter, found the end of the filter',
  ],
  [
    'userName eq "x")',
    'Expected "and", "or" or the end of the filter at position 16 of the filter, found ")"',
  ],
  [
    'emails[type eq "work"',
    'Expected "and", "or" or "]" at position 22 of the filter, found the end of the filter',
  ],
  ['emails[type eq "work")', 'Expected "and", "or" or "]" at position 22 of the filter, found ")"'],
  [
    'emails[type eq "work"]]',
    'Expected "and", "or" or the end of the filter at position 23 of the filter, found "]"',
  ],
  [
    'userName eq "x" foo',
    'Expected "and", "or" or the end of the filter at position 17 of the filter, found "foo"',
  ],
  [
    'userName eq "x" "y"',
    'Expected "and", "or" or the end of the filter at position 17 of the filter, found the string "y"',
  ],
  [
    'userName eq "x" and',
    'Expected an attribute path, "(" or "not" at position 20 of the filter, found the end of the filter',
  ],
  [
    'userName eq "x" and and title pr',
    'Expected an attribute path, "(" or "not" at position 21 of the filter, found "and"',
  ],
  ['or userName eq "x"', 'Expected an attribute path, "(" or "not" at position 1 of the filter, found "or"'],
  ["", 'Expected an attribute path, "(" or "not" at position 1 of the filter, found the end of the filter'],
  [
    "   ",
    'Expected an attribute path, "(" or "not" at position 4 of the filter, found the end of the filter',
  ],
  ["()", 'Expected an attribute path, "(" or "not" at position 2 of the filter, found ")"'],
  ['not userName eq "x"', 'Expected "(" after "not" at position 5 of the filter, found "userName"'],
  ['1abc eq "x"', 'Expected a JSON number at position 1 of the filter, found "1abc"'],
  [
    'name.familyName.x eq "y"',
    'Expected an attribute path, "(" or "not" at position 1 of the filter, found "name.familyName.x"',
  ],
  ['.value eq "y"', 'Expected an attribute path, "(" or "not" at position 1 of the filter, found ".value"'],
  [
    'emails[.value eq "y"]',
    'Expected a sub-attribute name, "(" or "not" at position 8 of the filter, found ".value"',
  ],
  [
    'emails[type eq "work"].',
    'Expected a sub-attribute name after "]" at position 24 of the filter, found ""',
  ],
  [
    'emails[type eq "work"].value',
    "Expected a comparison operator at position 29 of the filter, found the end of the filter",
  ],
  [
    'emails[type eq "w"] eq "x"',
    'Expected "and", "or" or the end of the filter at position 21 of the filter, found "eq"',
  ],
  [
    'emails[value[type eq "x"] eq "y"]',
    'Value filters cannot be nested: found "[" at position 13 of the filter',
  ],
  [
    'emails[type eq "a"] and emails[type[x pr]]',
    'Value filters cannot be nested: found "[" at position 36 of the filter',
  ],
  ['[type eq "a"]', 'Expected an attribute path, "(" or "not" at position 1 of the filter, found "["'],
  [
    'userName eq "x" & title pr',
    'Expected "and", "or" or the end of the filter at position 17 of the filter, found "&"',
  ],
];

describe("parseFilter", () => {
  test.each(valid)("parses %s", (text, expected) => {
    expect(withoutPositions(parseFilter(text))).toEqual(expected);
  });

  test.each(invalid)("rejects %s", (text, detail) => {
    expect(() => parseFilter(text)).toThrow(expect.objectContaining({ code: "invalidFilter", status: 400 }));
    expect(() => parseFilter(text)).toThrow(detail);
  });

  test("records 1-based positions of paths", () => {
    const filter = parseFilter('title pr and  emails[type eq "w"].value eq "x"');
    expect(filter).toMatchObject({
      left: { position: 1 },
      right: { position: 15, filter: { position: 22 }, test: { position: 35 } },
    });
  });

  test("a filter of the maximum length is accepted, one more character is not", () => {
    const atLimit = `userName eq "${"a".repeat(MAX_FILTER_LENGTH - 14)}"`;
    expect(atLimit).toHaveLength(MAX_FILTER_LENGTH);
    expect(() => parseFilter(atLimit)).not.toThrow();
    expect(() => parseFilter(`${atLimit} `)).toThrow(
      `The filter is ${MAX_FILTER_LENGTH + 1} characters long; at most ${MAX_FILTER_LENGTH} are allowed`,
    );
  });

  test("nesting up to the limit is accepted; deeper nesting is invalidFilter, not a stack overflow", () => {
    const nest = (depth: number) => `${"(".repeat(depth)}title pr${")".repeat(depth)}`;
    expect(withoutPositions(parseFilter(nest(MAX_FILTER_DEPTH)))).toEqual(pr("title"));
    expect(() => parseFilter(nest(MAX_FILTER_DEPTH + 1))).toThrow(
      `The filter nests more than ${MAX_FILTER_DEPTH} levels of parentheses, brackets and "not" at position 33 of the filter`,
    );
    // `not (` counts twice, brackets once.
    expect(() => parseFilter(`${"not (".repeat(16)}title pr${")".repeat(16)}`)).not.toThrow();
    expect(() => parseFilter(`${"not (".repeat(17)}title pr${")".repeat(17)}`)).toThrow("nests more than");
    expect(() => parseFilter(`${"(".repeat(31)}emails[type pr]${")".repeat(31)}`)).not.toThrow();
    expect(() => parseFilter(`${"(".repeat(32)}emails[type pr]${")".repeat(32)}`)).toThrow("nests more than");
    expect(() => parseFilter("(".repeat(MAX_FILTER_LENGTH))).toThrow("nests more than");
  });

  test("long flat chains parse iteratively", () => {
    const chain = Array.from({ length: 330 }, (_, i) => `a${i} pr`).join(" and ");
    expect(chain.length).toBeLessThan(MAX_FILTER_LENGTH);
    expect(parseFilter(chain).kind).toBe("and");
  });

  test("throws nothing but ScimError for arbitrary garbage", () => {
    for (const text of [
      '"',
      "\\",
      "[",
      "]",
      "(",
      ")",
      'a[b eq "c"',
      "a eq",
      "a eq -e",
      "😀 pr",
      "a\u0000 pr",
      "not",
      "not (",
      'a[b eq "c"].',
    ]) {
      let thrown: unknown;
      try {
        parseFilter(text);
      } catch (error) {
        thrown = error;
      }
      expect(thrown instanceof ScimError, text).toBe(true);
    }
  });
});
