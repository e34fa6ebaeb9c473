import { describe, expect, test } from "vitest";
import { TtlCache } from "../../../shared/auth/ttl-cache.js";

const clock = () => {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe("TtlCache", () => {
  test("serves a value until its TTL, then loads again", async () => {
    const c = clock();
    const cache = new TtlCache<string, number>({ ttlMs: 30_000, maxEntries: 10, now: c.now });
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get("a", load)).toBe(1);
    c.advance(29_999);
    expect(await cache.get("a", load)).toBe(1);
    c.advance(1);
    expect(await cache.get("a", load)).toBe(2);
  });

  test("caches 'nothing there' like any other answer", async () => {
    const cache = new TtlCache<string, string | undefined>({ ttlMs: 1_000, maxEntries: 10 });
    let loads = 0;
    const load = async () => {
      loads++;
      return undefined;
    };
    await cache.get("x", load);
    await cache.get("x", load);
    expect(loads).toBe(1);
  });

  test("evicts the least recently used entry beyond maxEntries", async () => {
    const cache = new TtlCache<string, string>({ ttlMs: 60_000, maxEntries: 2 });
    cache.set("a", "A");
    cache.set("b", "B");
    expect(cache.peek("a")?.value).toBe("A"); // a is now the most recently used
    cache.set("c", "C");
    expect(cache.peek("b")).toBeUndefined();
    expect(cache.peek("a")?.value).toBe("A");
    expect(cache.size).toBe(2);
  });

  test("concurrent loads share one call; a failed load is not cached", async () => {
    const cache = new TtlCache<string, number>({ ttlMs: 60_000, maxEntries: 10 });
    let calls = 0;
    const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(++calls), 10));
    expect(await Promise.all([cache.get("k", slow), cache.get("k", slow)])).toEqual([1, 1]);
    const failing = new TtlCache<string, number>({ ttlMs: 60_000, maxEntries: 10 });
    await expect(failing.get("k", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await failing.get("k", async () => 7)).toBe(7);
  });

  test("a TTL of 0 disables caching", async () => {
    const cache = new TtlCache<string, number>({ ttlMs: 0, maxEntries: 10 });
    let loads = 0;
    await cache.get("a", async () => ++loads);
    await cache.get("a", async () => ++loads);
    expect(loads).toBe(2);
  });
});
