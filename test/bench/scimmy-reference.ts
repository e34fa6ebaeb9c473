import { randomUUID } from "node:crypto";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

/**
 * The benches' reference server: SCIMMY with its express routers and an in-memory store, written
 * the way the SCIMMY and scimmy-routers documentation shows (resource types declared with
 * ingress/egress/degress handlers; SCIMMY's own filter matching in egress). A unique index on
 * userName / displayName stands in for a database's unique constraint (409 uniqueness). Users carry
 * the enterprise extension, as Entra sends it. scimmy-server.ts runs it.
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

// Without the extension SCIMMY drops the enterprise attributes of every Entra user it is sent.
SCIMMY.Resources.declare(SCIMMY.Resources.User)
  .extend(SCIMMY.Schemas.EnterpriseUser, false)
  .ingress((resource, instance) => users.save(resource.id, instance))
  .egress((resource) => users.egress(resource))
  .degress((resource) => users.remove(resource.id as string));

SCIMMY.Resources.declare(SCIMMY.Resources.Group)
  .ingress((resource, instance) => groups.save(resource.id, instance))
  .egress((resource) => groups.egress(resource))
  .degress((resource) => groups.remove(resource.id as string));

/** The reference's express app: the SCIM routes under /scim/v2, accepting one bearer token. */
export function referenceApp(token: string): express.Express {
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
  return app;
}
