import Module from "node:module";
import path from "node:path";

/** What `app.http(name, options)` hands the Functions host, as captured here. */
export interface Registration {
  name: string;
  methods: string[];
  route: string;
  handler: (...args: unknown[]) => unknown;
}

interface Binding {
  type?: string;
  direction?: string;
  methods?: string[];
  route?: string;
}

const registrations: Registration[] = [];
/** What `@azure/functions` logged through the core API (its "system" log), oldest first. */
const systemLog: { level: string; message: string }[] = [];
let installed = false;

/**
 * Whether the app called `app.setup({ enableHttpStream: true })`. The library keeps that setting
 * to itself; the one trace it leaves is its system log line, written when streams are enabled.
 */
export function httpStreamsEnabled(): boolean {
  return systemLog.some((entry) => entry.message === "HTTP streaming enabled.");
}

type Resolve = (request: string, ...rest: unknown[]) => string;

/**
 * `@azure/functions` registers functions through `@azure/functions-core`, a module the Functions
 * worker injects. Providing it here lets the local host serve exactly what `app.http` registered,
 * with the real registration code path (no second route table to keep in sync).
 * Must run before the first `app.*` call: the library caches the lookup.
 */
export function installFunctionsCore(): readonly Registration[] {
  if (installed) return registrations;
  installed = true;
  const fakePath = path.join(process.cwd(), "@azure-functions-core.virtual.js");
  const core = {
    setProgrammingModel() {},
    getProgrammingModel() {
      return undefined;
    },
    // Its presence tells `app.setup` the host is recent enough for HTTP streams (4.28 or later).
    // Problems still reach the console, as the library's own fallback sends them; the rest is kept.
    log(level: string, _category: string, message: string) {
      systemLog.push({ level, message });
      if (level === "warning") console.warn(message);
      else if (level === "error" || level === "critical") console.error(message);
    },
    registerHook() {
      return { dispose() {} };
    },
    registerFunction(
      metadata: { name: string; bindings: Record<string, Binding> },
      handler: Registration["handler"],
    ) {
      const trigger = Object.values(metadata.bindings).find((b) => b.type?.toLowerCase() === "httptrigger");
      if (trigger) {
        registrations.push({
          name: metadata.name,
          methods: (trigger.methods ?? ["GET", "POST"]).map((m) => m.toUpperCase()),
          route: trigger.route ?? metadata.name,
          handler,
        });
      }
      return { dispose() {} };
    },
  };
  const shim = new Module(fakePath);
  shim.exports = core;
  shim.loaded = true;
  const cache = (Module as unknown as { _cache: Record<string, Module> })._cache;
  cache[fakePath] = shim;
  const moduleWithResolve = Module as unknown as { _resolveFilename: Resolve };
  const original = moduleWithResolve._resolveFilename;
  moduleWithResolve._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === "@azure/functions-core" ? fakePath : original.call(this, request, ...rest);
  };
  return registrations;
}
