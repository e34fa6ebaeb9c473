export interface TtlCacheOptions {
  /** How long an entry is trusted; 0 disables caching (every get loads). */
  ttlMs: number;
  /** At most this many entries; the least recently used goes first. */
  maxEntries: number;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expires: number;
}

/**
 * A bounded in-process cache with a time to live and least-recently-used eviction (a Map keeps
 * insertion order, so re-inserting on use makes the first key the least recently used).
 * Concurrent loads of one key share one promise; a failed load is not cached, so the next caller
 * retries. Negative answers are values like any other (`undefined` included) and expire the same way.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly loading = new Map<K, Promise<V>>();
  private readonly now: () => number;

  constructor(private readonly options: TtlCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value, if fresh; a hit makes the key the most recently used. */
  peek(key: K): { value: V } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= this.now()) return undefined;
    this.entries.set(key, entry);
    return { value: entry.value };
  }

  set(key: K, value: V): void {
    if (this.options.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + this.options.ttlMs });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** The fresh cached value, or the result of `load` (cached; shared by concurrent callers). */
  async get(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.peek(key);
    if (hit) return hit.value;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const promise = load().then(
      (value) => {
        this.loading.delete(key);
        this.set(key, value);
        return value;
      },
      (error: unknown) => {
        this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, promise);
    return promise;
  }
}
