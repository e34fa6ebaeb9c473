/*
 * Cosmos DB's item size limit for the embedded server. Real Cosmos DB refuses to store an item
 * whose JSON passes 2 MB (Azure Cosmos DB service quotas, "Maximum size of an item"): a create
 * over it is answered 413 RequestEntityTooLarge, `{"Errors":["Request size is too large"]}`, and
 * nothing is written. For a patch whose result would pass the limit Microsoft documents no status;
 * here it gets the same answer (the endpoint never sends one: docs/storage.md).
 * `@vercel/cosmosdb-server` stores anything, so a write that would fail in Azure succeeded locally
 * and no test could see it.
 *
 * Here every item the server is about to store (create, replace, upsert, patch, and the same
 * inside a transactional batch) is measured as UTF-8 JSON without the system properties the
 * server adds (`_rid`, `_self`, `_etag`, `_ts`), and refused with Cosmos DB's answer beyond
 * 2 MiB. Cosmos DB counts its system properties too; the endpoint's own check
 * (`MAX_ITEM_BYTES`) keeps a margin for them, so the embedded limit is the looser of the two and
 * any write it refuses would fail in Azure as well.
 */

/** 2 MiB: where Cosmos DB refuses an item (measured: 2,093,334 bytes stored, 2,239,798 refused). */
export const COSMOS_ITEM_LIMIT_BYTES = 2 * 1024 * 1024;

interface ItemsPrototype {
  create(data: unknown): unknown;
  replace(data: unknown, original: unknown): unknown;
}

type Operation = (collection: unknown, input: unknown) => { statusCode: number; body?: unknown };
type Operations = Record<string, Operation>;

class RequestEntityTooLarge extends Error {
  readonly requestEntityTooLarge = true;
}

function refuseOversize(data: unknown): void {
  // A patch hands over the stored item, system properties included: measure every write alike.
  const { _rid, _self, _etag, _ts, _attachments, ...item } = data as Record<string, unknown>;
  const bytes = Buffer.byteLength(JSON.stringify(item));
  if (bytes > COSMOS_ITEM_LIMIT_BYTES) throw new RequestEntityTooLarge(`item of ${bytes} bytes`);
}

/** Cosmos DB's answer, as its gateway words it. */
const TOO_LARGE = {
  statusCode: 413,
  body: { code: "RequestEntityTooLarge", message: 'Message: {"Errors":["Request size is too large"]}' },
};

/** An operation of the server's handlers that answers 413 where the store refused the item. */
const answeringTooLarge =
  (operation: Operation): Operation =>
  (collection, input) => {
    try {
      return operation(collection, input);
    } catch (error) {
      if (error instanceof RequestEntityTooLarge) return TOO_LARGE;
      throw error;
    }
  };

/** A CommonJS module's exports, from either interop (see unique-key-lookups.ts). */
const exportsOf = <T>(loaded: { default: T | { default: T } }, has: string): T => {
  const outer = loaded.default as Record<string, unknown>;
  return (has in outer ? outer : outer.default) as T;
};

let installed = false;

/** Installs the limit on the server's `Items` class and its document operations (once per process). */
export async function installItemSizeLimit(): Promise<void> {
  if (installed) return;
  installed = true;
  type ItemsClass = { prototype: ItemsPrototype };
  const items = exportsOf<ItemsClass>(
    (await import("@vercel/cosmosdb-server/lib/account/items.js")) as never,
    "prototype",
  );
  const documentOperations = exportsOf<Operations>(
    (await import("@vercel/cosmosdb-server/lib/handler/_document-operations.js")) as never,
    "createOperation",
  );
  const patchOperations = exportsOf<Operations>(
    (await import("@vercel/cosmosdb-server/lib/handler/_patch-operations.js")) as never,
    "patchOperation",
  );
  const proto = items.prototype;
  const { create, replace } = proto;
  // Every write path of the server ends in one of these two (upsert and patch call them).
  proto.create = function (this: ItemsPrototype, data: unknown) {
    refuseOversize(data);
    return create.call(this, data);
  };
  proto.replace = function (this: ItemsPrototype, data: unknown, original: unknown) {
    refuseOversize(data);
    return replace.call(this, data, original);
  };
  // The handlers call these through their module's exports, so replacing them reaches every caller.
  for (const name of ["createOperation", "replaceOperation", "upsertOperation"]) {
    const operation = documentOperations[name];
    if (!operation) throw new Error(`cosmosdb-server: expected ${name}`);
    documentOperations[name] = answeringTooLarge(operation);
  }
  const patch = patchOperations.patchOperation;
  if (!patch) throw new Error("cosmosdb-server: expected patchOperation");
  patchOperations.patchOperation = answeringTooLarge(patch);
}
