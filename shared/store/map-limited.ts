/**
 * Runs `fn` over `items` with at most `limit` calls in flight and returns the results in order.
 * Bounded so that one large request cannot open thousands of sockets or trip Cosmos throttling
 * all at once; the first failure rejects the whole run (the calls already started still finish).
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Ids per ARRAY_CONTAINS parameter, and the most text they may take together. */
const IDS_PER_QUERY = 1000;
const ID_BYTES_PER_QUERY = 128 * 1024;

/**
 * Splits ids for `ARRAY_CONTAINS(@ids, ...)` queries: at most 1,000 per query and 128 KiB of their
 * JSON as the SDK sends it (non-ASCII escaped, six bytes a UTF-16 unit), far below Cosmos DB's
 * limit on a query's size, which 1,000 ids of 255 escaped characters would pass: its 400 would be
 * a 500 here.
 */
export function idChunks(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const id of ids) {
    // Quotes and a comma, and each character as sent: ASCII as is (escapes at most doubling it).
    let size = 3;
    for (let i = 0; i < id.length; i++) size += id.charCodeAt(i) < 0x80 ? 2 : 6;
    if (current.length > 0 && (current.length === IDS_PER_QUERY || bytes + size > ID_BYTES_PER_QUERY)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(id);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
