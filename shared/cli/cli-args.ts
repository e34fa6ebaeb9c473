import { parseArgs } from "node:util";
import { hasRealDateFields } from "../schema/compare-values.js";

/** One operator command, parsed and checked for shape (values are checked by the registry). */
export type Command =
  | { name: "help" }
  | { name: "create"; tenant: string; displayName?: string }
  | { name: "list" }
  | { name: "show" | "suspend" | "resume"; tenant: string }
  | { name: "delete"; tenant: string; confirm?: string; batchSize: number; graceSeconds: number }
  | { name: "token create"; tenant: string; label?: string; expires?: string }
  | { name: "token list" | "client list"; tenant: string }
  | { name: "token revoke"; tenant: string; tokenId: string }
  | { name: "entra allow" | "entra disallow"; tenant: string; tid: string }
  | { name: "client create"; tenant: string; label?: string; expires?: string }
  | { name: "client delete"; tenant: string; clientId: string }
  | { name: "client secret add"; tenant: string; clientId: string; label?: string; expires?: string }
  | { name: "client secret revoke"; tenant: string; clientId: string; secretId: string }
  | {
      name: "client federate";
      tenant: string;
      clientId: string;
      issuer: string;
      subject: string;
      audience?: string;
    }
  | { name: "client unfederate"; tenant: string; clientId: string; federationId: string };

export interface ParsedArgs {
  command: Command;
  json: boolean;
}

/** A command line that does not parse: the CLI prints the message and the usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const USAGE = `Usage: npm run tenants -- <command> [--json]

Tenants
  create <tenant> [--name <display name>]     a new, active tenant (id: 1-64 of A-Z a-z 0-9 . _ -)
  list                                        every tenant
  show <tenant>                               a tenant and all its credentials
  suspend <tenant> | resume <tenant>          refuse / accept all its credentials (within 60 s)
  delete <tenant> --confirm <tenant>          the tenant and ALL its users, groups and memberships,
         [--batch-size 100] [--grace-seconds 120]  in resumable batches (run again to resume)
Secret Tokens (Entra: Tenant URL + Secret Token)
  token create <tenant> [--label <text>] [--expires <date>|<n>d|<n>h]   printed once
  token list <tenant>
  token revoke <tenant> <token-id>
Entra-issued JWTs (Entra: Tenant URL, Secret Token left blank)
  entra allow <tenant> <entra-tenant-id>
  entra disallow <tenant> <entra-tenant-id>
OAuth 2.0 clients (gallery apps: Client ID, Client Secret, Token endpoint)
  client create <tenant> [--label <text>] [--expires ...]          id and secret printed once
  client list <tenant>
  client delete <tenant> <client-id>
  client secret add <tenant> <client-id> [--label <text>] [--expires ...]
  client secret revoke <tenant> <client-id> <secret-id>
  client federate <tenant> <client-id> --issuer <url> --subject <sub> [--audience <aud>]
  client unfederate <tenant> <client-id> <federation-id>

Against COSMOS_ENDPOINT when set (Azure: your az login identity, DefaultAzureCredential), otherwise
against the embedded database of a running \`npm start\`.
--json prints JSON on stdout; npm prints its own lines there first unless run as
\`npm run --silent tenants -- <command> --json\`.
Exit codes: 0 done, 1 unexpected error, 2 usage, 3 not found, 4 conflict, 5 no database reachable
or bad configuration.`;

const OPTIONS = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  name: { type: "string" },
  label: { type: "string" },
  expires: { type: "string" },
  issuer: { type: "string" },
  subject: { type: "string" },
  audience: { type: "string" },
  confirm: { type: "string" },
  "batch-size": { type: "string" },
  "grace-seconds": { type: "string" },
} as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * An ISO 8601 date or date-time as Date.parse reads it, but only one whose calendar fields exist:
 * Date.parse rolled `2027-02-31` over to March 3 and read forms such as `1 2 2027` (January 2 or
 * February 1?) by its own rules, so a credential expired on a day the operator never wrote.
 */
function isoInstant(text: string): number {
  return ISO_DATE.test(text) && hasRealDateFields(text) ? Date.parse(text) : Number.NaN;
}

/** `--expires` as an ISO 8601 date or date-time or a number of days (`90d`) or hours (`12h`) from `now`. */
export function parseExpiry(text: string | undefined, now: Date): string | undefined {
  if (text === undefined) return undefined;
  const relative = /^(\d{1,5})([dh])$/.exec(text.trim());
  const ms = relative
    ? now.getTime() + Number(relative[1]) * (relative[2] === "d" ? 24 : 1) * 3_600_000
    : isoInstant(text.trim());
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `--expires '${text}' is neither a date (2027-01-31, 2027-01-31T18:00Z) nor a duration (90d, 12h).`,
    );
  }
  // A credential that has already expired could never authenticate: printing it once would waste it.
  if (ms <= now.getTime()) {
    throw new UsageError(`--expires '${text}' is not in the future.`);
  }
  return new Date(ms).toISOString();
}

function integer(text: string | undefined, fallback: number, min: number, max: number, option: string) {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(`--${option} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

/** Parses `argv` (after `npm run tenants --`) into a command; throws UsageError. */
export function parseCliArgs(argv: readonly string[], now: Date = new Date()): ParsedArgs {
  let parsed: ParsedCommandLine;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals, tokens } = parsed;
  // parseArgs keeps the last of a repeated option: `--expires 90d --expires 1h` made a token that
  // lived an hour, `--confirm a --confirm b` confirmed b. Which one the operator meant is not guessed.
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== "option" || OPTIONS[token.name as Option]?.type !== "string") continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once.`);
    seen.add(token.name);
  }
  const json = values.json === true;
  if (values.help || positionals[0] === "help") return { command: { name: "help" }, json };
  // A script that lost its arguments must not read as done: exit code 2, like any other usage error.
  if (positionals.length === 0) throw new UsageError("No command given.");
  const command = commandOf(positionals, values);
  const stray = Object.keys(values).find(
    (option) => option !== "json" && !OPTIONS_OF[command.name]?.includes(option as Option),
  );
  // An option the command does not read would be dropped silently: `token list t --expires 90d`.
  if (stray) throw new UsageError(`--${stray} does not apply to '${command.name}'.`);
  // Read after the check above: `token list t --expires 2027-02-31` was refused as a bad date, and
  // once corrected, as an option that does not apply.
  if ("expires" in command && command.expires !== undefined) {
    return { command: { ...command, expires: parseExpiry(command.expires, now) }, json };
  }
  return { command, json };
}

type Option = keyof typeof OPTIONS;
type ParsedCommandLine = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true; tokens: true }>
>;

/** The options each command reads (besides --json); any other is a usage error. */
const OPTIONS_OF: Partial<Record<Command["name"], readonly Option[]>> = {
  create: ["name"],
  delete: ["confirm", "batch-size", "grace-seconds"],
  "token create": ["label", "expires"],
  "client create": ["label", "expires"],
  "client secret add": ["label", "expires"],
  "client federate": ["issuer", "subject", "audience"],
};

function commandOf(positionals: string[], values: ParsedCommandLine["values"]): Command {
  const [word, ...rest] = positionals;
  const take = (count: number, names: string) => {
    if (rest.length !== count) throw new UsageError(`Expected: ${names}.`);
    return rest as string[];
  };
  const optional = <K extends string>(key: K, value: string | undefined) =>
    value === undefined ? {} : ({ [key]: value } as Record<K, string>);
  // The text as given: parseCliArgs reads it once the command is known to take it.
  const expires = optional("expires", values.expires);
  const label = optional("label", values.label);
  switch (word) {
    case "create": {
      const [tenant] = take(1, "create <tenant>");
      return { name: "create", tenant: tenant!, ...optional("displayName", values.name) };
    }
    case "list":
      take(0, "list");
      return { name: "list" };
    case "show":
    case "suspend":
    case "resume": {
      const [tenant] = take(1, `${word} <tenant>`);
      return { name: word, tenant: tenant! };
    }
    case "delete": {
      const [tenant] = take(1, "delete <tenant> --confirm <tenant>");
      return {
        name: "delete",
        tenant: tenant!,
        ...optional("confirm", values.confirm),
        batchSize: integer(values["batch-size"], 100, 1, 1000, "batch-size"),
        // An instance may trust a cached "active" for up to 60 s (SCIM_AUTH_CACHE_SECONDS), and a
        // request it let in may write for up to 55 s more (SCIM_REQUEST_BUDGET_MS): data is deleted
        // only once no such write can land after it.
        graceSeconds: integer(values["grace-seconds"], 120, 0, 600, "grace-seconds"),
      };
    }
    case "token":
      return tokenCommand(rest, label, expires);
    case "entra": {
      const [verb, tenant, tid] = rest;
      if ((verb !== "allow" && verb !== "disallow") || !tenant || !tid || rest.length !== 3) {
        throw new UsageError("Expected: entra allow|disallow <tenant> <entra-tenant-id>.");
      }
      return { name: `entra ${verb}`, tenant, tid };
    }
    case "client":
      return clientCommand(rest, label, expires, values);
    default:
      throw new UsageError(`Unknown command '${word}'.`);
  }
}

function tokenCommand(rest: string[], label: { label?: string }, expires: { expires?: string }): Command {
  const [verb, tenant, id] = rest;
  if (verb === "create" && tenant && rest.length === 2)
    return { name: "token create", tenant, ...label, ...expires };
  if (verb === "list" && tenant && rest.length === 2) return { name: "token list", tenant };
  if (verb === "revoke" && tenant && id && rest.length === 3)
    return { name: "token revoke", tenant, tokenId: id };
  throw new UsageError("Expected: token create|list <tenant>, or token revoke <tenant> <token-id>.");
}

function clientCommand(
  rest: string[],
  label: { label?: string },
  expires: { expires?: string },
  values: { issuer?: string; subject?: string; audience?: string },
): Command {
  const [verb, ...args] = rest;
  const [tenant, clientId, third] = args;
  if (verb === "create" && tenant && args.length === 1)
    return { name: "client create", tenant, ...label, ...expires };
  if (verb === "list" && tenant && args.length === 1) return { name: "client list", tenant };
  if (verb === "delete" && tenant && clientId && args.length === 2)
    return { name: "client delete", tenant, clientId };
  if (verb === "secret") {
    // client secret add <tenant> <client-id> | client secret revoke <tenant> <client-id> <secret-id>
    const [action, t, c, secretId] = args;
    if (action === "add" && t && c && args.length === 3) {
      return { name: "client secret add", tenant: t, clientId: c, ...label, ...expires };
    }
    if (action === "revoke" && t && c && secretId && args.length === 4) {
      return { name: "client secret revoke", tenant: t, clientId: c, secretId };
    }
    throw new UsageError(
      "Expected: client secret add <tenant> <client-id>, or client secret revoke <tenant> <client-id> <secret-id>.",
    );
  }
  if (verb === "federate" && tenant && clientId && args.length === 2) {
    if (!values.issuer || !values.subject)
      throw new UsageError("client federate needs --issuer and --subject.");
    return {
      name: "client federate",
      tenant,
      clientId,
      issuer: values.issuer,
      subject: values.subject,
      // An empty --audience is the registry's to refuse, not a silent fall back to the default.
      ...(values.audience !== undefined ? { audience: values.audience } : {}),
    };
  }
  if (verb === "unfederate" && tenant && clientId && third && args.length === 3) {
    return { name: "client unfederate", tenant, clientId, federationId: third };
  }
  throw new UsageError(`Unknown or incomplete client command: client ${rest.join(" ")}.`);
}
