import { describe, expect, it } from "vitest";
import { applyCompiledPatch, compilePatch, MAX_PATCH_VISITS } from "../../../shared/patch/apply-patch.js";
import type { PatchOperation } from "../../../shared/patch/parse-patch-request.js";
import { expectScimError, User, user } from "./patch-fixtures.js";

/** A user with as many emails as a 512 KB POST carries. */
const manyEmails = user({ emails: Array.from({ length: 25_000 }, (_, i) => ({ value: `e${i}@x.com` })) });
const adds = (n: number, tag = ""): PatchOperation[] =>
  Array.from({ length: n }, (_, i) => ({
    op: "add",
    path: "emails",
    value: [{ value: `new${tag}${i}@x.com` }],
  }));

describe("the work of one request's PATCH operations is bounded (MAX_PATCH_VISITS)", () => {
  it("1,000 operations on an attribute with 25,000 values are refused early: 400 tooMany, not a minute of CPU", () => {
    // Counted, not timed: the refusal comes at the first operation past the bound (about 25
    // million tests for all 1,000), before that operation is applied.
    const work = { patchVisits: 0 };
    expectScimError(
      () => applyCompiledPatch(manyEmails, compilePatch(adds(1_000), User), User, work),
      "tooMany",
      "200,000",
    );
    expect(work.patchVisits).toBeGreaterThan(MAX_PATCH_VISITS);
    expect(work.patchVisits).toBeLessThanOrEqual(MAX_PATCH_VISITS + 25_001);
  });

  it("each comparison of a value filter counts once per value", () => {
    const filter = Array.from({ length: 250 }, () => 'value eq "z"').join(" or ");
    const ops: PatchOperation[] = Array.from({ length: 110 }, () => ({
      op: "remove",
      path: `emails[${filter}]`,
    }));
    expectScimError(() => applyCompiledPatch(manyEmails, compilePatch(ops, User), User), "tooMany");
  });

  it("a remove-with-value counts each element once per removed value it is compared with", () => {
    // Values with no `value` to key them by are compared with every element (RFC 7644 §3.5.2.2):
    // 8,000 of them against 8,000 emails, counted as 8,000 tests, held the thread for 14 s.
    const emails = (n: number) =>
      user({ emails: Array.from({ length: n }, (_, i) => ({ value: `e${i}@x.com`, type: `t${i}` })) });
    const removeTypes = (n: number): PatchOperation[] => [
      { op: "remove", path: "emails", value: Array.from({ length: n }, (_, i) => ({ type: `z${i}` })) },
    ];
    const work = { patchVisits: 0 };
    expectScimError(
      () => applyCompiledPatch(emails(8_000), compilePatch(removeTypes(8_000), User), User, work),
      "tooMany",
      "200,000",
    );
    expect(work.patchVisits).toBe(8_000 * (1 + 8_000));
    // Keyed by `value`, removed values are found in one pass whatever their number.
    const keyed: PatchOperation[] = [
      {
        op: "remove",
        path: "emails",
        value: Array.from({ length: 8_000 }, (_, i) => ({ value: `e${i}@x.com` })),
      },
    ];
    const fresh = { patchVisits: 0 };
    const removed = applyCompiledPatch(emails(8_000), compilePatch(keyed, User), User, fresh);
    expect(removed.resource.emails).toBeUndefined();
    expect(fresh.patchVisits).toBe(8_000);
    // A few unkeyed values on an ordinary user stay far below the bound, and still remove.
    const small = { patchVisits: 0 };
    const typed = applyCompiledPatch(
      emails(3),
      compilePatch([{ op: "remove", path: "emails", value: [{ type: "t1" }] }], User),
      User,
      small,
    );
    expect(typed.resource.emails).toHaveLength(2);
    expect(small.patchVisits).toBe(6);
  });

  it("PATCHes of one request share the allowance (/Bulk); Entra-sized ones stay far below it", () => {
    const work = { patchVisits: 0 };
    const fits = Math.floor(MAX_PATCH_VISITS / 25_000);
    const first = applyCompiledPatch(manyEmails, compilePatch(adds(fits - 1), User), User, work);
    expect(first.changed).toBe(true);
    expectScimError(
      () => applyCompiledPatch(manyEmails, compilePatch(adds(2, "b"), User), User, work),
      "tooMany",
    );
    const entra: PatchOperation[] = [
      { op: "replace", path: 'emails[type eq "work"].value', value: "a@work.com" },
      { op: "replace", path: "active", value: false },
      { op: "add", path: "title", value: "CEO" },
    ];
    const fresh = { patchVisits: 0 };
    applyCompiledPatch(
      user({ emails: [{ type: "work", value: "b@work.com" }] }),
      compilePatch(entra, User),
      User,
      fresh,
    );
    expect(fresh.patchVisits).toBeLessThan(10);
  });
});
