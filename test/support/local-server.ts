import { randomUUID } from "node:crypto";
import path from "node:path";
import { functionFiles } from "../../shared/local/function-files.js";
import { type LocalServer, startLocal } from "../../shared/local/start-local.js";

export const TOKEN = "e2e-secret-token-0123456789abcdef";

export interface Client {
  server: LocalServer;
  baseUrl: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
}

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are asserted field by field
  body: any;
}

/**
 * Starts the real thing in-process, as `npm start` does: embedded Cosmos, the local Functions host
 * loading functions/*.ts through their `app.http` registrations, on a free port.
 */
export async function startServer(
  env: Record<string, string> = {},
  log?: (level: string, message: string) => void,
): Promise<Client> {
  Object.assign(process.env, { SCIM_TOKEN: TOKEN, ...env });
  if (process.env.SCIM_TEST_COSMOS === "1") {
    // `npm run test:cosmos`: one real account for every test file, so each file gets a tenant of its
    // own (ending with the run's id, which the runner deletes afterwards).
    process.env.SCIM_TENANT_ID = `e2e-${randomUUID().slice(0, 8)}-${process.env.SCIM_TEST_RUN}`;
  }
  const root = path.resolve(__dirname, "../..");
  const server = await startLocal({
    functionFiles: functionFiles(root, "functions/*.ts"),
    port: 0,
    ...(log ? { log } : {}),
  });
  return { server, baseUrl: server.tenantUrl, call: scimCaller(server.tenantUrl, TOKEN) };
}

/** Calls the SCIM endpoint at `tenantUrl` with a bearer `token`, a JSON body and its parsed answer. */
export function scimCaller(tenantUrl: string, token: string): Client["call"] {
  return async (method, p, body, headers = {}) => {
    const response = await fetch(`${tenantUrl}${p}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { "Content-Type": "application/scim+json" } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
}
