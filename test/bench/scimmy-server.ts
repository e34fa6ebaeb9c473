import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

/**
 * The benches' reference server: SCIMMY with its express routers and an in-memory store, written
 * the way the SCIMMY and scimmy-routers documentation shows (resource types declared with
 * ingress/egress/degress handlers; SCIMMY's own filter matching in egress). A unique index on
 * userName / displayName stands in for a database's unique constraint (409 uniqueness).
 * Run: `node dist/test/bench/scimmy-server.js` with PORT and SCIM_TOKEN; prints its Tenant URL.
 */

type Row<T> = T & { id: string; meta: { created: string; lastModified: string } };
type UserData = Omit<SCIMMY.Schemas.User, "schemas" | "meta">;
type GroupData = Omit<SCIMMY.Schemas.Group, "schemas" | "meta">;

/** An in-memory "table": rows by id, plus a case-insensitive unique index on one attribute. */
class Table<T extends object> {
  readonly rows = new Map<string, Row<T>>();
  private readonly unique = new Map<string, string>();

  constructor(private readonly key: keyof T & string) {}

  private keyOf(data: T) {
    return String(data[this.key] ?? "").toLowerCase();
  }

  find(id: string): Row<T> {
    const row = this.rows.get(id);
    // SCIMMY's docs pass null for "no scimType"; its type says string.
    if (!row) throw new SCIMMY.Types.Error(404, null as unknown as string, `Resource ${id} not found`);
    return row;
  }

  save(id: string | undefined, data: T): Row<T> {
    const now = new Date().toISOString();
    const previous = id ? this.find(id) : undefined;
    const key = this.keyOf(data);
    const holder = this.unique.get(key);
    if (holder !== undefined && holder !== id) {
      throw new SCIMMY.Types.Error(409, "uniqueness", `${this.key} ${String(data[this.key])} is not unique`);
    }
    const row: Row<T> = {
      ...(JSON.parse(JSON.stringify(data)) as T),
      id: previous?.id ?? randomUUID(),
      meta: { created: previous?.meta.created ?? now, lastModified: now },
    };
    if (previous) this.unique.delete(this.keyOf(previous));
    this.unique.set(key, row.id);
    this.rows.set(row.id, row);
    return row;
  }

  remove(id: string) {
    const row = this.find(id);
    this.unique.delete(this.keyOf(row));
    this.rows.delete(id);
  }

  /** Egress: one row by id, else every row SCIMMY's filter matches (SCIMMY then sorts and pages). */
  egress(resource: { id?: string; filter?: SCIMMY.Types.Filter }): Row<T> | Row<T>[] {
    if (resource.id) return this.find(resource.id);
    const all = [...this.rows.values()];
    return resource.filter ? (resource.filter.match(all) as Row<T>[]) : all;
  }
}

const users = new Table<UserData>("userName");
const groups = new Table<GroupData>("displayName");

SCIMMY.Resources.declare(SCIMMY.Resources.User)
  .ingress((resource, instance) => users.save(resource.id, instance))
  .egress((resource) => users.egress(resource))
  .degress((resource) => users.remove(resource.id as string));

SCIMMY.Resources.declare(SCIMMY.Resources.Group)
  .ingress((resource, instance) => groups.save(resource.id, instance))
  .egress((resource) => groups.egress(resource))
  .degress((resource) => groups.remove(resource.id as string));

const token = process.env.SCIM_TOKEN ?? "";
const app = express();
app.use(
  "/scim/v2",
  new SCIMMYRouters({
    type: "bearer",
    docUri: "https://example.com/help/bearer.html",
    handler: (request) => {
      if (request.header("Authorization") !== `Bearer ${token}`)
        throw new Error("Authorization not detected!");
      return "entra";
    },
  }),
);

const server = app.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`SCIM endpoint: http://127.0.0.1:${port}/scim/v2\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
