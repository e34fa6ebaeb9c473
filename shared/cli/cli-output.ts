import type { TenantDocument } from "../tenants/tenant-document.js";

/** A tenant as the CLI shows it: everything but the digests (they identify secrets, so they stay in). */
export function tenantView(tenant: TenantDocument) {
  return {
    id: tenant.id,
    displayName: tenant.displayName,
    status: tenant.status,
    created: tenant.created,
    statusChanged: tenant.statusChanged,
    tokens: tenant.tokens.map(({ sha256, ...t }) => t),
    entraTenants: tenant.entraTenants,
    clients: tenant.clients.map((c) => ({
      clientId: c.clientId,
      label: c.label,
      created: c.created,
      secrets: c.secrets.map(({ sha256, ...s }) => s),
      federated: c.federated,
    })),
  };
}

export type TenantView = ReturnType<typeof tenantView>;

/** One summary row per tenant (`list`). */
export const tenantSummary = (t: TenantDocument) => ({
  id: t.id,
  displayName: t.displayName,
  status: t.status,
  tokens: t.tokens.length,
  entraTenants: t.entraTenants.length,
  clients: t.clients.length,
  created: t.created,
});

const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : "");

/** A plain-text table: a header row, then one row per record, columns padded to their widest cell. */
export function table(
  rows: readonly Record<string, string | number>[],
  columns: readonly [string, string][],
): string {
  if (rows.length === 0) return "(none)";
  const cells = [
    columns.map(([, title]) => title),
    ...rows.map((row) => columns.map(([key]) => String(row[key] ?? ""))),
  ];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** `list`: one row per tenant. */
export const tenantsTable = (tenants: readonly TenantDocument[]) =>
  table(
    tenants.map((t) => ({ ...tenantSummary(t), created: day(t.created) })),
    [
      ["id", "TENANT"],
      ["displayName", "NAME"],
      ["status", "STATUS"],
      ["tokens", "TOKENS"],
      ["entraTenants", "ENTRA TENANTS"],
      ["clients", "CLIENTS"],
      ["created", "CREATED"],
    ],
  );

/** `token list`: one row per Secret Token, never the token or its digest. */
export const tokensTable = (view: TenantView) =>
  table(
    view.tokens.map((t) => ({
      ...t,
      created: day(t.created),
      expires: t.expires ?? "never",
      lastUsed: t.lastUsed ?? "never",
    })),
    [
      ["id", "TOKEN ID"],
      ["label", "LABEL"],
      ["created", "CREATED"],
      ["expires", "EXPIRES"],
      ["lastUsed", "LAST USED"],
    ],
  );

/** `client list`: one row per OAuth client with its secret and federation ids. */
export const clientsTable = (view: TenantView) =>
  table(
    view.clients.map((c) => ({
      clientId: c.clientId,
      label: c.label,
      secrets: c.secrets.map((s) => `${s.id}${s.expires ? ` (until ${day(s.expires)})` : ""}`).join(", "),
      federated: c.federated.map((f) => `${f.id} ${f.subject}`).join(", "),
      created: day(c.created),
    })),
    [
      ["clientId", "CLIENT ID"],
      ["label", "LABEL"],
      ["secrets", "SECRET IDS"],
      ["federated", "FEDERATED (id subject)"],
      ["created", "CREATED"],
    ],
  );

/** `show`: the tenant, then each kind of credential. */
export function tenantDetails(view: TenantView): string {
  return [
    `Tenant ${view.id} (${view.displayName}): ${view.status} since ${view.statusChanged}, created ${view.created}`,
    "",
    "Secret Tokens",
    tokensTable(view),
    "",
    "Entra tenant ids (JWTs accepted)",
    table(
      view.entraTenants.map((d) => ({ ...d })),
      [
        ["tid", "ENTRA TENANT ID"],
        ["added", "ADDED"],
      ],
    ),
    "",
    "OAuth clients",
    clientsTable(view),
  ].join("\n");
}
