import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as z from "zod";

/**
 * Where a running `npm start` tells the operator CLI how to reach its embedded Cosmos DB server:
 * `.scim-local.json` at the project root (git-ignored), written at start and removed at exit.
 * `SCIM_LOCAL_FILE` moves it (tests).
 */
export const LOCAL_ENDPOINT_FILE = ".scim-local.json";

const schema = z.object({
  pid: z.number().int(),
  cosmosEndpoint: z.url(),
  cosmosKey: z.string(),
  database: z.string(),
  tenantUrl: z.url(),
  tokenUrl: z.url(),
  started: z.string(),
});

export type LocalEndpoint = z.infer<typeof schema>;

/** The file's path: `SCIM_LOCAL_FILE`, else `.scim-local.json` at the project root. */
export const localEndpointPath = (root: string, env: Record<string, string | undefined>) =>
  env.SCIM_LOCAL_FILE ?? path.join(root, LOCAL_ENDPOINT_FILE);

/** Writes the file readable by this user only (it holds the emulator key, well known as it is). */
export function writeLocalEndpoint(file: string, endpoint: LocalEndpoint): void {
  writeFileSync(file, `${JSON.stringify(endpoint, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Removes the file if this process wrote it (a second `npm start` may have replaced it). */
export function removeLocalEndpoint(file: string, pid: number): void {
  if (readLocalEndpoint(file)?.pid === pid) rmSync(file, { force: true });
}

/** The endpoint a running `npm start` wrote, or undefined when there is no (valid) file. */
export function readLocalEndpoint(file: string): LocalEndpoint | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Is the process that wrote the file still running? */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
