import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { EMULATOR_KEY } from "../../shared/local/embedded-cosmos.js";

/** The project root (this file runs from dist/test/bench/). */
export const ROOT = path.resolve(__dirname, "../../..");
export const TOKEN = "bench-http-token-0123456789abcdef";
export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** A server under test in its own process: its base URL (the Tenant URL) and process id. */
export interface ServerProcess {
  name: string;
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/** Every server process started here; whatever is still running is killed when this process exits. */
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** Starts `node <script>` and waits for `pattern` on its stdout; the first group is returned. */
function spawnUntil(
  name: string,
  script: string,
  env: Record<string, string>,
  pattern: RegExp,
): Promise<{ child: ChildProcess; match: string }> {
  // The servers' settings come from `env` alone: earlier benches in the same run leave COSMOS_* and
  // SCIM_* values in this process's environment.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("COSMOS_") && !key.startsWith("SCIM_")),
  );
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let out = "";
  let err = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name}: no start within 60 s\n${out}\n${err}`));
    }, 60_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = pattern.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ child, match: m[1] });
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it started:\n${out}\n${err}`));
    });
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.removeAllListeners("exit");
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
}

/**
 * This project's endpoint as `npm start` runs it (`node dist/shared/local/start.js`, after the
 * bench's build): the local Functions host with the embedded Cosmos DB server on its own thread,
 * or, with `cosmosEndpoint`, against a Cosmos DB server elsewhere (another process).
 */
export async function startOurs(name: string, cosmosEndpoint?: string): Promise<ServerProcess> {
  const env: Record<string, string> = { PORT: "0", SCIM_TOKEN: TOKEN };
  if (cosmosEndpoint) Object.assign(env, { COSMOS_ENDPOINT: cosmosEndpoint, COSMOS_KEY: EMULATOR_KEY });
  const { child, match } = await spawnUntil(
    name,
    path.join(ROOT, "dist/shared/local/start.js"),
    env,
    /Tenant URL:\s+(\S+)/,
  );
  return { name, baseUrl: match, pid: child.pid as number, stop: stopper(child) };
}

/**
 * This project's endpoint with the embedded Cosmos DB server on the host's thread instead of its
 * own (see one-thread-server.ts): the form `npm start` had before the database got a thread.
 */
export async function startOursOneThread(name: string): Promise<ServerProcess> {
  const { child, match } = await spawnUntil(
    name,
    path.join(__dirname, "one-thread-server.js"),
    { PORT: "0", SCIM_TOKEN: TOKEN },
    /Tenant URL:\s+(\S+)/,
  );
  return { name, baseUrl: match, pid: child.pid as number, stop: stopper(child) };
}

/** Starts servers one after the other; if one fails, those already started are stopped. */
export async function startAll(starts: (() => Promise<ServerProcess>)[]): Promise<ServerProcess[]> {
  const started: ServerProcess[] = [];
  try {
    for (const start of starts) started.push(await start());
    return started;
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
}

/** The embedded Cosmos DB server alone, in its own process (see cosmos-process.ts). */
export async function startCosmosProcess(): Promise<ServerProcess> {
  const { child, match } = await spawnUntil(
    "cosmos",
    path.join(__dirname, "cosmos-process.js"),
    {},
    /Cosmos endpoint:\s+(\S+)/,
  );
  return { name: "cosmos", baseUrl: match, pid: child.pid as number, stop: stopper(child) };
}

/** The reference: SCIMMY + express with an in-memory store (see scimmy-server.ts). */
export async function startReference(): Promise<ServerProcess> {
  const { child, match } = await spawnUntil(
    "reference",
    path.join(__dirname, "scimmy-server.js"),
    { PORT: "0", SCIM_TOKEN: TOKEN },
    /SCIM endpoint:\s+(\S+)/,
  );
  return { name: "reference", baseUrl: match, pid: child.pid as number, stop: stopper(child) };
}

let ticksPerSecond: number | undefined;

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
export function cpuMs(pid: number): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which is in parentheses and may contain spaces).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / ticksPerSecond;
}

export interface Reply {
  status: number;
  body: string;
}

/** A keep-alive HTTP client for one server, at most `sockets` connections (the requests in flight). */
export class Client {
  private readonly agent: http.Agent;
  constructor(
    readonly server: ServerProcess,
    private readonly sockets = 16,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  request(method: string, p: string, body?: unknown): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return this.send(method, p, payload, 0);
  }

  private send(method: string, p: string, payload: string | undefined, resent: number): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${this.server.baseUrl}${p}`,
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${TOKEN}`,
            accept: "application/scim+json",
            ...(payload === undefined
              ? {}
              : { "content-type": "application/scim+json", "content-length": Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed while idle (express keeps them 5 s, and a server
        // waits idle while the other one is seeded): the request never reached it, so send it
        // again, as Node's documentation advises (`request.reusedSocket`). Each such failure
        // discards one stale socket, and the pool holds at most `sockets` of them.
        if (req.reusedSocket && error.code === "ECONNRESET" && resent < this.sockets) {
          this.send(method, p, payload, resent + 1).then(resolve, reject);
          return;
        }
        reject(new Error(`${this.server.name}: ${method} ${p}: ${error.message}`));
      });
      req.end(payload);
    });
  }

  /** The request, which must answer a 2xx status (the body parsed when there is one). */
  async ok<T = Record<string, unknown>>(method: string, p: string, body?: unknown): Promise<T> {
    const reply = await this.request(method, p, body);
    if (reply.status < 200 || reply.status > 299) {
      throw new Error(`${this.server.name}: ${method} ${p} -> ${reply.status} ${reply.body.slice(0, 300)}`);
    }
    return (reply.body ? JSON.parse(reply.body) : {}) as T;
  }

  close() {
    this.agent.destroy();
  }
}

/** Runs `task(i)` for i in [0, count) with `concurrency` in flight. */
export async function forEachLimited(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

export interface Round {
  requests: number;
  ms: number;
  perSecond: number;
  /** CPU ms per request of each watched process over the round. */
  cpuPerRequest: number[];
}

/**
 * One measured round: `inFlight` workers send `task(n)` (n counts up from `first`) until `ms`
 * have passed; every request must succeed (the task throws otherwise). CPU of `watch` is read
 * before and after.
 */
export async function round(
  task: (n: number) => Promise<unknown>,
  options: { ms: number; inFlight: number; watch: number[] },
): Promise<Round> {
  const cpuBefore = options.watch.map(cpuMs);
  const start = performance.now();
  const end = start + options.ms;
  let n = 0;
  const worker = async () => {
    while (performance.now() < end) await task(n++);
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  const ms = performance.now() - start;
  const cpuPerRequest = options.watch.map((pid, i) => (cpuMs(pid) - (cpuBefore[i] as number)) / n);
  return { requests: n, ms, perSecond: (n * 1000) / ms, cpuPerRequest };
}

/** User i as Entra provisions one (the body of its POST /Users). */
export function entraUser(i: number, prefix = "user"): Record<string, unknown> {
  const userName = `${prefix}${i}@bench.example`;
  return {
    schemas: [CORE_USER, ENTERPRISE_USER],
    externalId: `${prefix}-ext-${i}`,
    userName,
    active: true,
    displayName: `User ${i}`,
    emails: [{ primary: true, type: "work", value: userName }],
    name: { formatted: `User ${i}`, familyName: String(i), givenName: "User" },
    meta: { resourceType: "User" },
    roles: [],
    [ENTERPRISE_USER]: { department: `dept-${i % 20}` },
  };
}

/** Entra's lookup before it creates or updates a user. */
export const lookupPath = (userName: string) =>
  `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;

/** Seeds users [from, to) through POST /Users, 16 in flight; returns their ids by index. */
export async function seedUsers(client: Client, ids: string[], from: number, to: number): Promise<void> {
  await forEachLimited(to - from, 16, async (k) => {
    const i = from + k;
    const created = await client.ok<{ id: string }>("POST", "/Users", entraUser(i));
    ids[i] = created.id;
  });
}

export const fmtRate = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
