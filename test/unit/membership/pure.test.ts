import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScimError } from "../../../shared/errors/scim-error.js";
import { bindFilter } from "../../../shared/filter/bind-filter.js";
import { findExternalFilters } from "../../../shared/filter/compile-filter.js";
import { parseFilter } from "../../../shared/filter/parse-filter.js";
import { externalFilterIds } from "../../../shared/membership/membership-filter.js";
import {
  diffMembers,
  memberIds,
  memberRefs,
  missingMembersError,
} from "../../../shared/membership/plan-member-changes.js";
import { renderMember, renderUserGroup } from "../../../shared/membership/read-memberships.js";
import { compilePatch } from "../../../shared/patch/apply-patch.js";
import { parsePatchRequest } from "../../../shared/patch/parse-patch-request.js";
import type { ResourceType } from "../../../shared/schema/resource-type.js";
import { isStorableId, membershipId } from "../../../shared/store/documents.js";
import { chunk, idChunks, mapLimited } from "../../../shared/store/map-limited.js";
import { resourceTypes } from "./fakes.js";

const scimError = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error("expected a ScimError");
};

describe("memberRefs", () => {
  it("reads value and the type hint of each member; absent members are none", () => {
    expect(memberRefs([{ value: "u1" }, { value: "g1", type: "Group", $ref: "x" }])).toEqual([
      { value: "u1" },
      { value: "g1", type: "Group" },
    ]);
    expect(memberRefs(undefined)).toEqual([]);
    expect(memberRefs(null)).toEqual([]);
  });

  it("a member without value is 400 invalidValue naming its index", () => {
    const error = scimError(() => memberRefs([{ value: "u1" }, { type: "User" }]));
    expect(error.scimType).toBe("invalidValue");
    expect(error.detail).toContain("members[1].value");
  });
});

describe("memberIds", () => {
  it("dedupes in first-mention order", () => {
    expect(memberIds("g", [{ value: "b" }, { value: "a" }, { value: "b" }])).toEqual(["b", "a"]);
  });

  it("a group inside itself is 400 invalidValue", () => {
    const error = scimError(() => memberIds("g", [{ value: "u" }, { value: "g" }]));
    expect(error).toMatchObject({ status: 400, scimType: "invalidValue" });
  });
});

describe("missingMembersError", () => {
  it("names the missing ids", () => {
    const error = missingMembersError(["x", "y"]);
    expect(error).toMatchObject({ status: 400, scimType: "invalidValue" });
    expect(error.detail).toContain('"x", "y"');
    expect(error.detail).toContain("nothing was changed");
  });

  it("names ten and counts the rest", () => {
    const ids = Array.from({ length: 25 }, (_, i) => `id${i}`);
    const { detail } = missingMembersError(ids);
    expect(detail).toContain('"id9"');
    expect(detail).not.toContain('"id10"');
    expect(detail).toContain("and 15 more");
  });
});

describe("diffMembers", () => {
  it("adds only the missing, removes only the extra", () => {
    const diff = diffMembers(new Set(["a", "b", "c"]), [
      { id: "b", type: "User" },
      { id: "d", type: "Group" },
    ]);
    expect(diff).toEqual({ add: [{ id: "d", type: "Group" }], remove: ["a", "c"] });
  });

  it("property: current minus remove plus add is exactly wanted, and nothing unchanged is written", () => {
    const ids = fc.uniqueArray(fc.constantFrom<string>("a", "b", "c", "d", "e", "f", "g"));
    fc.assert(
      fc.property(ids, ids, (current, wanted) => {
        const diff = diffMembers(
          new Set(current),
          wanted.map((id) => ({ id, type: "User" as const })),
        );
        const after = new Set(current.filter((id) => !diff.remove.includes(id)));
        for (const m of diff.add) after.add(m.id);
        expect([...after].sort()).toEqual([...wanted].sort());
        expect(diff.add.every((m) => !current.includes(m.id))).toBe(true);
        expect(diff.remove.every((id) => current.includes(id) && !wanted.includes(id))).toBe(true);
      }),
    );
  });
});

describe("rendering", () => {
  it("a member: value, $ref by type, type; no display", () => {
    expect(renderMember("https://h/scim/v2", { memberId: "u1", memberType: "User" })).toEqual({
      value: "u1",
      $ref: "https://h/scim/v2/Users/u1",
      type: "User",
    });
    expect(renderMember("https://h/scim/v2", { memberId: "g1", memberType: "Group" })).toEqual({
      value: "g1",
      $ref: "https://h/scim/v2/Groups/g1",
      type: "Group",
    });
  });

  it("a user's group: value, $ref, display, type direct", () => {
    expect(renderUserGroup("https://h", "g1", "Sales")).toEqual({
      value: "g1",
      $ref: "https://h/Groups/g1",
      display: "Sales",
      type: "direct",
    });
  });
});

describe("membership ids", () => {
  it("are deterministic per (group, member)", () => {
    expect(membershipId("g", "u")).toBe("g~u");
    expect(membershipId("g", "u")).toBe(membershipId("g", "u"));
  });

  it("ids Cosmos cannot store are recognised, so no point operation is sent for them", () => {
    for (const bad of ["", " ", "\t\n", "a/b", "a\\b", "a?b", "a#b", "x".repeat(256)])
      expect(isStorableId(bad)).toBe(false);
    expect(isStorableId("2819c223-7f76-453a-919d-413861904646")).toBe(true);
  });
});

describe("externalFilterIds", () => {
  const external = (type: ResourceType, text: string) => {
    const [found] = findExternalFilters(bindFilter(parseFilter(text), type));
    if (!found) throw new Error(`no external test in ${text}`);
    return externalFilterIds(found);
  };

  const cases: [string, string[] | undefined][] = [
    ['members[value eq "a"]', ["a"]],
    ['members.value eq "a"', ["a"]],
    ['members eq "a"', ["a"]],
    ['members[value eq "a" or value eq "b"]', ["a", "b"]],
    ['members[value eq "a" and type eq "User"]', ["a"]],
    ['members[type eq "User" and value eq "a"]', ["a"]],
    ['members[value eq "a" and value eq "b"]', []],
    ['members[value eq "a" or type eq "User"]', undefined],
    ["members pr", undefined],
    ['members[value ne "a"]', undefined],
    ['members[not (value eq "a")]', undefined],
    ['members.value sw "a"', undefined],
    ['members[type eq "Group"]', undefined],
  ];
  it.each(cases)("Group %s -> %j", (filter, ids) => {
    expect(external(resourceTypes.Group, filter)).toEqual(ids);
  });

  it("User groups: the literal is in comparison form (groups.value is not caseExact)", () => {
    expect(external(resourceTypes.User, 'groups[value eq "G-1"]')).toEqual(["g-1"]);
    expect(external(resourceTypes.User, 'groups.type eq "direct"')).toBeUndefined();
  });
});

describe("compilePatch: a Group PATCH's member changes, compiled once", () => {
  const ops = (...Operations: unknown[]) =>
    parsePatchRequest({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations });
  const memberChangesOf = (operations: ReturnType<typeof ops>, type: ResourceType) =>
    compilePatch(operations, type, { externalAttributes: ["members"] }).external.members;

  it("collects Entra's member operations in order and ignores the rest", () => {
    const changes = memberChangesOf(
      ops(
        { op: "Replace", path: "displayName", value: "X" },
        { op: "Add", path: "members", value: [{ $ref: null, value: "u1" }, { value: "u2" }] },
        { op: "Remove", path: "members", value: [{ value: "u2" }, { value: "u3" }] },
        { op: "remove", path: 'members[value eq "u4"]' },
      ),
      resourceTypes.Group,
    );
    expect(changes).toEqual({ removeAll: false, remove: ["u2", "u3", "u4"], add: [{ value: "u1" }] });
  });

  it("remove without value clears; replace sets the whole list", () => {
    expect(memberChangesOf(ops({ op: "Remove", path: "members" }), resourceTypes.Group)).toMatchObject({
      removeAll: true,
      add: [],
    });
    expect(
      memberChangesOf(ops({ op: "Replace", path: "members", value: [{ value: "u9" }] }), resourceTypes.Group),
    ).toEqual({ removeAll: true, remove: [], add: [{ value: "u9" }] });
  });

  it("a PATCH without member operations has no member changes", () => {
    expect(
      memberChangesOf(ops({ op: "Replace", path: "displayName", value: "X" }), resourceTypes.Group),
    ).toEqual({
      removeAll: false,
      remove: [],
      add: [],
    });
  });
});

describe("mapLimited and chunk", () => {
  it("keeps order and never runs more than the limit at once", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimited(
      Array.from({ length: 50 }, (_, i) => i),
      4,
      async (n) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, n % 3));
        inFlight--;
        return n * 2;
      },
    );
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(peak).toBe(4);
  });

  it("rejects with the first failure; an empty input does nothing", async () => {
    await expect(
      mapLimited([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error("boom");
        return n;
      }),
    ).rejects.toThrow("boom");
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
  });

  it("chunk splits into consecutive parts", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 100)).toEqual([]);
  });

  it("idChunks: at most 1,000 ids and 128 KiB of their JSON per ARRAY_CONTAINS query", () => {
    const uuids = Array.from(
      { length: 2500 },
      (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
    );
    expect(idChunks(uuids).map((part) => part.length)).toEqual([1000, 1000, 500]);
    // 255 characters outside ASCII are sent as \uXXXX escapes: 1,533 bytes an id, 85 of them a query.
    const wide = Array.from({ length: 300 }, (_, i) => `${"é".repeat(250)}${String(i).padStart(5, "0")}`);
    const parts = idChunks(wide);
    expect(parts.flat()).toEqual(wide);
    for (const part of parts)
      expect(JSON.stringify(part).replace(/[^ -~]/g, "\\u0000").length).toBeLessThanOrEqual(128 * 1024);
    expect(parts.length).toBeGreaterThan(3);
    expect(idChunks([])).toEqual([]);
  });
});
