import type { SqlFilter } from "../filter/compile-filter.js";
import { decodeCursor, encodeCursor, queryDigest } from "../operations/cursor.js";
import type { ResourceStore } from "../store/resource-store.js";

/**
 * A view of a resource store whose queries and counts are restricted by `sql` (a membership filter
 * compiled by `membershipFilter`), so the generic list pipeline can run it unchanged. Continuation
 * tokens are tagged with the filter's digest: a cursor replayed under another membership filter is
 * rejected as invalidCursor (RFC 9865) instead of resuming the wrong query.
 */
export function filteredStore(store: ResourceStore, sql: SqlFilter): ResourceStore {
  const digest = queryDigest(["membership-filter", sql.where, sql.parameters]);
  const restrict = <T extends { where?: string; parameters?: { name: string; value: unknown }[] }>(
    spec: T,
  ) => ({
    ...spec,
    where: spec.where ? `(${sql.where}) AND (${spec.where})` : sql.where,
    parameters: [...sql.parameters, ...(spec.parameters ?? [])],
  });
  return {
    create: (doc) => store.create(doc),
    read: (tenantId, id) => store.read(tenantId, id),
    replace: (doc, etag) => store.replace(doc, etag),
    delete: (tenantId, id, etag) => store.delete(tenantId, id, etag),
    count: (tenantId, spec) => store.count(tenantId, restrict(spec)),
    async query(tenantId, spec) {
      const continuation = spec.continuation ? decodeCursor(spec.continuation, digest) : undefined;
      const page = await store.query(tenantId, { ...restrict(spec), continuation });
      return {
        items: page.items,
        continuation: page.continuation ? encodeCursor(digest, page.continuation) : undefined,
      };
    },
  };
}
