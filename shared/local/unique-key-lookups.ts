/*
 * Unique-key lookups for the embedded Cosmos DB server. `@vercel/cosmosdb-server` keeps an exact
 * hash index of every container's unique keys and `/id` (per partition: it enforces uniqueness
 * with it), but its queries never use it: each one copies and scans the whole container. Entra's
 * lookups (`userName eq`, a group's `displayName eq`) are equality queries on exactly those keys,
 * so on the embedded default a lookup cost grew with the store (11 ms at 10,000 users).
 *
 * Here a query whose WHERE clause is a conjunction containing `<root>.<partition key path> =
 * @param` and `<root>.<unique key path or id> = @param`, both parameters non-empty strings, runs
 * on the one document the index names (or none) instead of the whole container. The query itself
 * still runs, unchanged, in the server's engine: the index only chooses the candidates, and a
 * candidate set that holds every possible match gives the same answer as a scan (WHERE, ORDER BY,
 * TOP, aggregates and continuations all depend on the matching documents alone). It holds every
 * match because the index is keyed by the partition and the value's string form, and the server's
 * unique check refuses a second document with the same key in a partition, so a document whose
 * value equals the string parameter is the one the index names.
 *
 * Real Cosmos DB answers such a query from its own index, at a cost independent of the container's
 * size: with this, the embedded default's lookups scale the same way. Anything else (no partition
 * term, a non-string parameter, no unique path, an `OR` at the top) scans as before.
 */

/** The parts of the package's `Items` class (lib/account/items.js) this module relies on. */
interface ItemsInternals {
  _parent: { read(): unknown };
  _data: Map<string, unknown>;
  _index: Map<string, string>;
  _uniqueKeyPaths: string[];
  _getPartitionKeyPath(): string[];
  _getId(keyPath: string, value: unknown, partition: unknown): string;
  _getQuery(sql: string): { ast: SqlNode };
  query(params: QueryParams, options: unknown): unknown;
}

interface QueryParams {
  query: string;
  parameters?: { name: string; value: unknown }[];
}

/** A node of `@zeit/cosmosdb-query`'s SQL syntax tree, as far as it is read here. */
interface SqlNode {
  type: string;
  [key: string]: unknown;
}

const node = (value: unknown): SqlNode | undefined =>
  value !== null && typeof value === "object" && typeof (value as SqlNode).type === "string"
    ? (value as SqlNode)
    : undefined;

/** `alias.a["b"].c` as ["a", "b", "c"], or undefined for anything else. */
function memberPath(expression: SqlNode | undefined, alias: string): string[] | undefined {
  const path: string[] = [];
  let at = expression;
  while (at?.type === "scalar_member_expression") {
    const property = node(at.property);
    if (at.computed === false && property?.type === "identifier") path.unshift(String(property.name));
    else if (at.computed === true && property?.type === "string_constant")
      path.unshift(String(property.value));
    else return undefined;
    at = node(at.object);
  }
  return at?.type === "identifier" && at.name === alias && path.length > 0 ? path : undefined;
}

/**
 * The `path = @parameter` terms of a query's top-level conjunction, over its root alias, as
 * "/a/b" -> parameter name. Empty when the query has none (or is not a plain FROM ... WHERE).
 */
export function equalityTerms(ast: SqlNode): Map<string, string> {
  const terms = new Map<string, string>();
  const body = node(ast.body);
  const from = node(body?.from);
  const source = node(from?.source);
  const root = node(node(source?.expression)?.expression);
  const alias = String(node(source?.alias)?.name ?? (root?.type === "identifier" ? root.name : ""));
  const where = node(node(body?.where)?.condition);
  if (!alias || !where) return terms;
  const visit = (expression: SqlNode | undefined) => {
    if (expression?.type !== "scalar_binary_expression") return;
    const [left, right] = [node(expression.left), node(expression.right)];
    if (String(expression.operator).toUpperCase() === "AND") {
      visit(left);
      visit(right);
      return;
    }
    if (expression.operator !== "=") return;
    for (const [path, value] of [
      [left, right],
      [right, left],
    ]) {
      const members = memberPath(path, alias);
      if (members && value?.type === "parameter_name") terms.set(`/${members.join("/")}`, String(value.name));
    }
  };
  visit(where);
  return terms;
}

/** The rids the query can match, when the unique-key index decides them; undefined to scan. */
function candidates(items: ItemsInternals, params: QueryParams): string[] | undefined {
  if (!params.parameters?.length) return undefined;
  let terms: Map<string, string>;
  try {
    terms = equalityTerms(items._getQuery(params.query).ast);
  } catch {
    return undefined; // SQL the engine cannot parse: the scan path reports it as before
  }
  if (terms.size < 2) return undefined;
  const stringParameter = (name: string | undefined) => {
    const value = params.parameters?.find((p) => p.name === name)?.value;
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const partition = stringParameter(terms.get(`/${items._getPartitionKeyPath().join("/")}`));
  if (partition === undefined) return undefined;
  for (const keyPath of items._uniqueKeyPaths) {
    const value = stringParameter(terms.get(keyPath));
    if (value === undefined) continue;
    const rid = items._index.get(items._getId(keyPath, value, partition));
    return rid !== undefined && items._data.has(rid) ? [rid] : [];
  }
  return undefined;
}

let installed = false;

/** Installs the lookup path on the server's `Items` class (once per process; see above). */
export async function installUniqueKeyLookups(): Promise<void> {
  if (installed) return;
  installed = true;
  // A CommonJS module with `exports.default`: from compiled CommonJS the class is one level
  // deeper than under an ES module loader's interop (vitest); take either.
  type ItemsClass = { prototype: ItemsInternals };
  const loaded = (await import("@vercel/cosmosdb-server/lib/account/items.js")) as unknown as {
    default: ItemsClass | { default: ItemsClass };
  };
  const proto = ("default" in loaded.default ? loaded.default.default : loaded.default).prototype;
  const scan = proto.query;
  proto.query = function (this: ItemsInternals, params: QueryParams, options: unknown) {
    const only = this._parent.read() ? candidates(this, params) : undefined;
    if (only === undefined) return scan.call(this, params, options);
    // The server's own query path, over the candidates: it reads `_data` once, synchronously.
    const all = this._data;
    this._data = new Map(only.map((rid) => [rid, all.get(rid)]));
    try {
      return scan.call(this, params, options);
    } finally {
      this._data = all;
    }
  };
}
