import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { EXIT, runTenantsCli } from "../../shared/cli/run-tenants-cli.js";
import { tokenEndpointUrl } from "../../shared/discovery/authentication-schemes.js";
import { writeLocalEndpoint } from "../../shared/local/local-endpoint-file.js";
import { type Client, startServer } from "../support/local-server.js";

/**
 * The operator CLI end to end against the embedded default: the running server's endpoint file,
 * the CLI's commands (in-process, as `npm run tenants` runs them), and the credentials they print
 * used over HTTP.
 */
let c: Client;
let dir: string;
let file: string;

interface Run {
  code: number;
  out: string;
  err: string;
  // biome-ignore lint/suspicious/noExplicitAny: --json output is asserted field by field
  json: any;
}

async function cli(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTenantsCli(argv, {
    env: { SCIM_LOCAL_FILE: file },
    root: dir,
    io: { out: (t) => out.push(t), err: (t) => err.push(t) },
  });
  const text = out.join("\n");
  return {
    code,
    out: text,
    err: err.join("\n"),
    json: argv.includes("--json") && text ? JSON.parse(text) : undefined,
  };
}

const scim = (token: string, p = "/Users") =>
  c.call("GET", p, undefined, { Authorization: `Bearer ${token}` });
const afterCache = () => new Promise((resolve) => setTimeout(resolve, 1_100));

beforeAll(async () => {
  c = await startServer({ SCIM_AUTH_CACHE_SECONDS: "1" });
  // As `npm start` does before it announces itself: the first call creates the containers.
  expect((await c.call("GET", "/ServiceProviderConfig")).status).toBe(200);
  dir = mkdtempSync(path.join(os.tmpdir(), "scim-cli-"));
  file = path.join(dir, ".scim-local.json");
}, 30_000);
afterAll(async () => {
  await c?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

const announce = (pid = process.pid) =>
  writeLocalEndpoint(file, {
    pid,
    cosmosEndpoint: process.env.COSMOS_ENDPOINT ?? "",
    cosmosKey: process.env.COSMOS_KEY ?? "",
    database: "scim",
    tenantUrl: c.baseUrl,
    tokenUrl: tokenEndpointUrl(c.baseUrl),
    started: new Date().toISOString(),
  });

describe("finding the running server", () => {
  test("nothing running: a clear message and exit code 5", async () => {
    const run = await cli("list");
    expect(run.code).toBe(EXIT.noStore);
    expect(run.err).toContain("Nothing is running: start the endpoint with `npm start`");
  });

  test("a file left by a server that has stopped: exit code 5, says so", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid ?? 999_999;
    announce(dead);
    const run = await cli("list");
    expect(run.code).toBe(EXIT.noStore);
    expect(run.err).toContain("is no longer running");
    announce();
  });
});

describe("tenants and their credentials", () => {
  beforeAll(() => announce());

  test("create, list, show; refusals have their exit codes", async () => {
    const made = await cli("create", "contoso", "--name", "Contoso Ltd");
    expect(made.err).toBe("");
    expect(made.code).toBe(EXIT.ok);
    expect((await cli("create", "contoso")).code).toBe(EXIT.conflict);
    expect((await cli("create", "_reserved")).code).toBe(EXIT.usage);
    expect((await cli("show", "nobody")).code).toBe(EXIT.notFound);
    expect((await cli("frobnicate")).code).toBe(EXIT.usage);
    expect((await cli("token", "create")).code).toBe(EXIT.usage);
    const list = await cli("list", "--json");
    expect(list.json).toEqual([
      expect.objectContaining({ id: "contoso", displayName: "Contoso Ltd", status: "active" }),
    ]);
    const table = await cli("list");
    expect(table.out.split("\n")[0]).toMatch(/^TENANT\s+NAME\s+STATUS/);
    expect(table.out).toContain("Contoso Ltd");
  });

  test("token create prints the token once with the Tenant URL; it works, rotates and revokes", async () => {
    const first = await cli("token", "create", "contoso", "--label", "entra", "--json");
    expect(first.code).toBe(EXIT.ok);
    expect(first.json).toMatchObject({ tenantId: "contoso", label: "entra", tenantUrl: c.baseUrl });
    const human = await cli("token", "create", "contoso");
    const second = /^ {2}(\S{40,})$/m.exec(human.out)?.[1] ?? "";
    expect(human.out).toContain(`Tenant URL:   ${c.baseUrl}`);
    expect((await scim(first.json.token)).status).toBe(200);
    expect((await scim(second)).status).toBe(200);
    const listed = await cli("token", "list", "contoso", "--json");
    expect(listed.json.map((t: { id: string }) => t.id)).toContain(first.json.id);
    expect(JSON.stringify(listed.json)).not.toContain(first.json.token);
    expect(JSON.stringify((await cli("show", "contoso", "--json")).json)).not.toContain("sha256");
    expect((await cli("token", "revoke", "contoso", first.json.id)).code).toBe(EXIT.ok);
    await afterCache();
    expect((await scim(first.json.token)).status).toBe(401);
    expect((await scim(second)).status).toBe(200);
  });

  test("suspend and resume", async () => {
    const { json } = await cli("token", "create", "contoso", "--json");
    expect((await cli("suspend", "contoso")).code).toBe(EXIT.ok);
    await afterCache();
    expect((await scim(json.token)).status).toBe(401);
    expect((await cli("resume", "contoso", "--json")).json).toMatchObject({ status: "active" });
    await afterCache();
    expect((await scim(json.token)).status).toBe(200);
  });

  test("entra allow / disallow; a tid belongs to one tenant", async () => {
    const tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    expect((await cli("entra", "allow", "contoso", tid)).code).toBe(EXIT.ok);
    await cli("create", "fabrikam");
    const taken = await cli("entra", "allow", "fabrikam", tid);
    expect(taken.code).toBe(EXIT.conflict);
    expect(taken.err).toContain("already registered to tenant 'contoso'");
    expect((await cli("entra", "allow", "fabrikam", "not-a-guid")).code).toBe(EXIT.usage);
    expect((await cli("entra", "disallow", "contoso", tid)).code).toBe(EXIT.ok);
    expect((await cli("entra", "allow", "fabrikam", tid)).code).toBe(EXIT.ok);
  });

  test("client create / secret add / secret revoke / federate / delete, used at the token endpoint", async () => {
    const created = await cli("client", "create", "contoso", "--label", "gallery", "--json");
    expect(created.code).toBe(EXIT.ok);
    const { clientId, clientSecret, secretId, tokenUrl } = created.json;
    expect(tokenUrl).toBe(tokenEndpointUrl(c.baseUrl));
    // Every field of Entra's form is in the JSON too, as in the text: the Tenant URL was missing.
    expect(created.json.tenantUrl).toBe(c.baseUrl);
    const expiring = await cli("client", "create", "contoso", "--expires", "2099-01-31", "--json");
    expect(expiring.json).toMatchObject({ expires: "2099-01-31T00:00:00.000Z", tenantUrl: c.baseUrl });
    expect((await cli("client", "create", "contoso", "--expires", "30d")).out).toMatch(/expires \d{4}-/);
    const token = async (secret: string) => {
      const response = await fetch(tokenUrl, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
        },
        body: "grant_type=client_credentials",
      });
      return { status: response.status, body: (await response.json()) as { access_token: string } };
    };
    const first = await token(clientSecret);
    expect(first.status).toBe(200);
    expect((await scim(first.body.access_token)).status).toBe(200);
    const added = await cli("client", "secret", "add", "contoso", clientId, "--expires", "30d", "--json");
    expect(added.code).toBe(EXIT.ok);
    expect((await token(added.json.clientSecret)).status).toBe(200);
    expect((await cli("client", "secret", "revoke", "contoso", clientId, secretId)).code).toBe(EXIT.ok);
    await afterCache();
    expect((await token(clientSecret)).status).toBe(401);
    expect((await scim(first.body.access_token)).status).toBe(401);
    const federate = await cli(
      "client",
      "federate",
      "contoso",
      clientId,
      "--issuer",
      "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
      "--subject",
      "provisioning-sp",
      "--json",
    );
    expect(federate.json).toMatchObject({
      subject: "provisioning-sp",
      audience: "api://AzureADTokenExchange",
    });
    expect((await cli("client", "list", "contoso")).out).toContain("provisioning-sp");
    expect((await cli("client", "unfederate", "contoso", clientId, federate.json.id)).code).toBe(EXIT.ok);
    expect((await cli("client", "federate", "contoso", clientId, "--subject", "x")).code).toBe(EXIT.usage);
    expect((await cli("client", "delete", "contoso", clientId)).code).toBe(EXIT.ok);
    expect((await cli("client", "delete", "contoso", clientId)).code).toBe(EXIT.notFound);
  });
});

describe("delete", () => {
  test("needs --confirm; deletes every resource of the tenant in batches, and only that tenant's", async () => {
    await cli("create", "doomed");
    const doomed = (await cli("token", "create", "doomed", "--json")).json.token;
    const survivor = (await cli("token", "create", "fabrikam", "--json")).json.token;
    const post = (token: string, p: string, body: unknown) =>
      c.call("POST", p, body, { Authorization: `Bearer ${token}` });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await post(doomed, "/Users", { userName: `u${i}@x.com` })).body.id);
    await post(doomed, "/Groups", { displayName: "G", members: ids.map((value) => ({ value })) });
    const kept = (await post(survivor, "/Users", { userName: "u0@x.com" })).body.id;

    const refused = await cli("delete", "doomed");
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.err).toContain("--confirm doomed");
    expect((await cli("delete", "doomed", "--confirm", "fabrikam")).code).toBe(EXIT.usage);

    const run = await cli(
      "delete",
      "doomed",
      "--confirm",
      "doomed",
      "--batch-size",
      "2",
      "--grace-seconds",
      "0",
      "--json",
    );
    expect(run.code).toBe(EXIT.ok);
    expect(run.json).toEqual({ tenantId: "doomed", deleted: { memberships: 5, groups: 1, users: 5 } });
    expect(run.err).toContain("users: 2 deleted");
    expect((await cli("show", "doomed")).code).toBe(EXIT.notFound);
    await afterCache();
    expect((await scim(doomed)).status).toBe(401);
    expect((await scim(survivor, `/Users/${kept}`)).status).toBe(200);
    // The id is free again, with none of the old data.
    await cli("create", "doomed");
    const fresh = (await cli("token", "create", "doomed", "--json")).json.token;
    expect((await scim(fresh)).body.totalResults).toBe(0);
  });

  test("an interrupted delete resumes when run again", async () => {
    await cli("create", "halfway");
    const token = (await cli("token", "create", "halfway", "--json")).json.token;
    await c.call("POST", "/Users", { userName: "h@x.com" }, { Authorization: `Bearer ${token}` });
    // As if a first run stopped right after refusing the credentials.
    const { createServices } = await import("../../shared/services.js");
    await (await createServices(process.env)).tenants.beginDelete("halfway");
    expect((await cli("resume", "halfway")).code).toBe(EXIT.conflict);
    const run = await cli("delete", "halfway", "--confirm", "halfway", "--grace-seconds", "0", "--json");
    expect(run.json.deleted.users).toBe(1);
    expect((await cli("show", "halfway")).code).toBe(EXIT.notFound);
  });
});
