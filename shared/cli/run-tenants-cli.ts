import { ConfigError } from "../config.js";
import { tokenEndpointUrl } from "../discovery/authentication-schemes.js";
import { ScimError } from "../errors/scim-error.js";
import { TenantError, type TenantErrorCode } from "../tenants/tenant-error.js";
import { type Command, parseCliArgs, USAGE, UsageError } from "./cli-args.js";
import {
  clientsTable,
  tenantDetails,
  tenantSummary,
  tenantsTable,
  tenantView,
  tokensTable,
} from "./cli-output.js";
import { type CliStore, DATA_CONTAINERS, NoStoreError, openCliStore } from "./open-cli-store.js";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CliContext {
  env: Record<string, string | undefined>;
  /** The project root, where `npm start` writes `.scim-local.json`. */
  root: string;
  io: CliIo;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** Exit codes (documented in the usage text and docs/tenants.md). */
export const EXIT = { ok: 0, error: 1, usage: 2, notFound: 3, conflict: 4, noStore: 5 } as const;

const TENANT_EXIT: Record<TenantErrorCode, number> = {
  invalid: EXIT.usage,
  confirmation_required: EXIT.usage,
  not_found: EXIT.notFound,
  exists: EXIT.conflict,
  conflict: EXIT.conflict,
  limit: EXIT.conflict,
  busy: EXIT.conflict,
};

/** A result: what `--json` prints, and the lines a person reads. */
interface Output {
  json: unknown;
  text: string;
}

const DEFAULT_FEDERATION_AUDIENCE = "api://AzureADTokenExchange";

/**
 * `npm run tenants -- <command>`: tenant administration for the operator. Returns the exit code;
 * writes results to `io.out` (a table, or JSON with `--json`) and problems to `io.err`.
 */
export async function runTenantsCli(argv: readonly string[], context: CliContext): Promise<number> {
  const { io } = context;
  let json = argv.includes("--json");
  let store: CliStore | undefined;
  try {
    const parsed = parseCliArgs(argv, context.now?.() ?? new Date());
    json = parsed.json;
    if (parsed.command.name === "help") {
      // A script that asked for JSON parses stdout as JSON, whatever the command.
      io.out(json ? JSON.stringify({ usage: USAGE }, null, 2) : USAGE);
      return EXIT.ok;
    }
    store = await openCliStore(context.env, context.root);
    const output = await run(parsed.command, store, context);
    io.out(json ? JSON.stringify(output.json, null, 2) : output.text);
    return EXIT.ok;
  } catch (error) {
    const [code, exit, message] = describeError(error);
    io.err(json ? JSON.stringify({ error: { code, message } }) : `Error: ${message}`);
    if (error instanceof UsageError && !json) io.err("Run `npm run tenants -- help` for the commands.");
    return exit;
  } finally {
    store?.close();
  }
}

function describeError(error: unknown): [string, number, string] {
  if (error instanceof UsageError) return ["usage", EXIT.usage, error.message];
  if (error instanceof TenantError) return [error.code, TENANT_EXIT[error.code], error.message];
  if (error instanceof NoStoreError) return ["no_store", EXIT.noStore, error.message];
  if (error instanceof ConfigError) return ["config", EXIT.noStore, error.message];
  if (error instanceof ScimError) return ["unavailable", EXIT.error, error.detail];
  return ["unexpected", EXIT.error, error instanceof Error ? error.message : String(error)];
}

const secretNotice = "shown once: it is stored nowhere, only its SHA-256 digest is";

async function run(command: Command, store: CliStore, context: CliContext): Promise<Output> {
  const { registry, tenantUrl } = store;
  const tokenUrl = tenantUrl ? tokenEndpointUrl(tenantUrl) : "https://<host>/oauth2/token";
  const scimUrl = tenantUrl ?? "https://<host>/scim/v2";
  switch (command.name) {
    case "help":
      return { json: {}, text: USAGE };
    case "create": {
      const tenant = await registry.create(command.tenant, command.displayName);
      return {
        json: tenantSummary(tenant),
        text: [
          `Created tenant ${tenant.id} (${tenant.displayName}), active, in ${store.target}.`,
          "Give it a credential:",
          `  npm run tenants -- token create ${tenant.id}            (Secret Token)`,
          `  npm run tenants -- entra allow ${tenant.id} <entra-tenant-id>   (Entra-issued JWTs)`,
          `  npm run tenants -- client create ${tenant.id}           (OAuth client, gallery apps)`,
        ].join("\n"),
      };
    }
    case "list": {
      const tenants = await registry.list();
      return { json: tenants.map(tenantSummary), text: tenantsTable(tenants) };
    }
    case "show": {
      const view = tenantView(await registry.get(command.tenant));
      return { json: view, text: tenantDetails(view) };
    }
    case "suspend":
    case "resume": {
      const tenant = await (command.name === "suspend"
        ? registry.suspend(command.tenant)
        : registry.resume(command.tenant));
      return {
        json: tenantSummary(tenant),
        text: `Tenant ${tenant.id} is ${tenant.status}: every instance sees it within 60 seconds.`,
      };
    }
    case "delete":
      return deleteTenant(command, store, context);
    case "token create": {
      const { token, credential } = await registry.createToken(command.tenant, {
        ...(command.label ? { label: command.label } : {}),
        ...(command.expires ? { expires: command.expires } : {}),
      });
      const { sha256, ...shown } = credential;
      return {
        json: { tenantId: command.tenant, token, ...shown, tenantUrl: scimUrl },
        text: [
          `Secret Token ${credential.id} for tenant ${command.tenant} (${secretNotice}):`,
          "",
          `  ${token}`,
          "",
          "In the Entra admin center: Enterprise applications > <app> > Provisioning > Admin Credentials:",
          `  Tenant URL:   ${scimUrl}`,
          "  Secret Token: the token above",
          credential.expires ? `It expires ${credential.expires}.` : "It does not expire (Entra needs that).",
        ].join("\n"),
      };
    }
    case "token list": {
      const view = tenantView(await registry.get(command.tenant));
      return { json: view.tokens, text: tokensTable(view) };
    }
    case "token revoke":
      await registry.revokeToken(command.tenant, command.tokenId);
      return done(
        { tenantId: command.tenant, revoked: command.tokenId },
        `Revoked token ${command.tokenId}.`,
      );
    case "entra allow": {
      await registry.allowDirectory(command.tenant, command.tid);
      return {
        json: { tenantId: command.tenant, tid: command.tid.toLowerCase() },
        text: [
          `Tenant ${command.tenant} accepts Entra-issued tokens of directory ${command.tid.toLowerCase()}.`,
          `In Entra: Tenant URL ${scimUrl}, Secret Token left blank.`,
        ].join("\n"),
      };
    }
    case "entra disallow":
      await registry.disallowDirectory(command.tenant, command.tid);
      return done(
        { tenantId: command.tenant, disallowed: command.tid.toLowerCase() },
        `Directory ${command.tid.toLowerCase()} no longer authenticates tenant ${command.tenant}.`,
      );
    case "client create": {
      const { client, secret, secretId } = await registry.createClient(command.tenant, {
        ...(command.label ? { label: command.label } : {}),
        ...(command.expires ? { expires: command.expires } : {}),
      });
      const expires = client.secrets[0]?.expires;
      // Everything Entra's form takes, as the text shows it: a script has only the JSON.
      return {
        json: {
          tenantId: command.tenant,
          clientId: client.clientId,
          clientSecret: secret,
          secretId,
          ...(expires ? { expires } : {}),
          tokenUrl,
          tenantUrl: scimUrl,
        },
        text: [
          `OAuth client for tenant ${command.tenant} (the secret is ${secretNotice}):`,
          `  Client ID:      ${client.clientId}`,
          `  Client Secret:  ${secret}   (secret id ${secretId}${expires ? `, expires ${expires}` : ""})`,
          `  Token endpoint: ${tokenUrl}`,
          `  Tenant URL:     ${scimUrl}`,
        ].join("\n"),
      };
    }
    case "client list": {
      const view = tenantView(await registry.get(command.tenant));
      return { json: view.clients, text: clientsTable(view) };
    }
    case "client delete":
      await registry.deleteClient(command.tenant, command.clientId);
      return done(
        { tenantId: command.tenant, deleted: command.clientId },
        `Deleted client ${command.clientId}: its access tokens stop working within 60 seconds.`,
      );
    case "client secret add": {
      const { secret, credential } = await registry.addClientSecret(command.tenant, command.clientId, {
        ...(command.label ? { label: command.label } : {}),
        ...(command.expires ? { expires: command.expires } : {}),
      });
      const { sha256, ...shown } = credential;
      return {
        json: { tenantId: command.tenant, clientId: command.clientId, clientSecret: secret, ...shown },
        text: `New secret ${credential.id} for client ${command.clientId} (${secretNotice}):\n  ${secret}`,
      };
    }
    case "client secret revoke":
      await registry.revokeClientSecret(command.tenant, command.clientId, command.secretId);
      return done(
        { tenantId: command.tenant, clientId: command.clientId, revoked: command.secretId },
        `Revoked secret ${command.secretId}: tokens obtained with it stop working within 60 seconds.`,
      );
    case "client federate": {
      const federation = await registry.federate(command.tenant, command.clientId, {
        issuer: command.issuer,
        subject: command.subject,
        audience: command.audience ?? context.env.SCIM_FEDERATION_AUDIENCE ?? DEFAULT_FEDERATION_AUDIENCE,
      });
      return {
        json: { tenantId: command.tenant, clientId: command.clientId, ...federation },
        text: `Client ${command.clientId} accepts assertions with iss ${federation.issuer}, sub ${federation.subject}, aud ${federation.audience} (federation ${federation.id}).`,
      };
    }
    case "client unfederate":
      await registry.unfederate(command.tenant, command.clientId, command.federationId);
      return done(
        { tenantId: command.tenant, clientId: command.clientId, removed: command.federationId },
        `Removed federation ${command.federationId} from client ${command.clientId}.`,
      );
  }
}

const done = (json: unknown, text: string): Output => ({ json, text });

/**
 * Deletes a tenant and all its data: first no credential works (status `deleting`, claims
 * released), then a wait until no instance can still hold a cached "active" (the cache time is at
 * most 60 s), then the data in bounded batches, then the tenant document. Interrupted, it resumes
 * when run again.
 */
async function deleteTenant(
  command: Extract<Command, { name: "delete" }>,
  store: CliStore,
  context: CliContext,
): Promise<Output> {
  const { registry } = store;
  // An unknown tenant is "not found" (exit 3) before any confirmation is asked for.
  await registry.get(command.tenant);
  if (command.confirm !== command.tenant) {
    throw new TenantError(
      "confirmation_required",
      `This deletes tenant ${command.tenant} and ALL its users, groups and memberships. ` +
        `Run again with --confirm ${command.tenant}.`,
    );
  }
  const now = context.now ?? (() => new Date());
  const progress = (line: string) => context.io.err(line);
  const { inactiveSince } = await registry.beginDelete(command.tenant);
  const wait = command.graceSeconds * 1000 - (now().getTime() - Date.parse(inactiveSince));
  if (wait > 0) {
    progress(
      `Tenant ${command.tenant} refuses every credential now; waiting ${Math.ceil(wait / 1000)} s for caches...`,
    );
    await (context.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(wait);
  }
  const deleted: Record<string, number> = {};
  for (const container of DATA_CONTAINERS) {
    deleted[container] = 0;
    for (;;) {
      const count = await store.deleteBatch(container, command.tenant, command.batchSize);
      if (count === 0) break;
      deleted[container] += count;
      progress(`  ${container}: ${deleted[container]} deleted`);
    }
  }
  await registry.finishDelete(command.tenant);
  return {
    json: { tenantId: command.tenant, deleted },
    text: `Deleted tenant ${command.tenant}: ${DATA_CONTAINERS.map((c) => `${deleted[c]} ${c}`).join(", ")}.`,
  };
}
