import { decodePathSegment } from "../http/scim-path.js";
import type { Registration } from "./functions-core-shim.js";

export interface RouteMatch {
  registration: Registration;
  params: Record<string, string>;
}

/** Matches a path (after the route prefix) and a method against the registered routes. */
export interface RouteTable {
  match(method: string, path: string): RouteMatch | undefined;
}

type Segment = { literal: string } | { param: string };

interface CompiledRoute {
  registration: Registration;
  segments: Segment[];
  /** `{*name}` (or `{**name}`) as the last segment: takes the rest of the path, zero or more segments. */
  catchAll?: string;
}

const PARAM = /^\{([^}:?*]+)(?::[^}]*)?\??\}$/;
const CATCH_ALL = /^\{\*{1,2}([^}:?*]+)(?::[^}]*)?\}$/;

function compile(registration: Registration): CompiledRoute {
  const parts = registration.route.split("/").filter(Boolean);
  const segments: Segment[] = [];
  let catchAll: string | undefined;
  for (const [i, part] of parts.entries()) {
    const rest = CATCH_ALL.exec(part);
    if (rest?.[1] && i === parts.length - 1) {
      catchAll = rest[1];
      break;
    }
    const param = PARAM.exec(part);
    segments.push(param?.[1] ? { param: param[1] } : { literal: part.toLowerCase() });
  }
  return { registration, segments, ...(catchAll ? { catchAll } : {}) };
}

/**
 * The Functions host's order, computed once: routes are tried in the alphabetical order of their
 * function names and the first whose template and method match wins, whatever its specificity
 * (azure-functions-nodejs-library#300; azure-webjobs-sdk-extensions#842 proposes otherwise and is
 * not merged). So a catch-all needs a name that sorts last, and tests check that no function's own
 * paths reach another one.
 */
const byName = (a: CompiledRoute, b: CompiledRoute) => {
  const [x, y] = [a.registration.name.toLowerCase(), b.registration.name.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
};

function matchCompiled(
  route: CompiledRoute,
  segments: readonly string[],
): Record<string, string> | undefined {
  const fixed = route.segments.length;
  if (route.catchAll === undefined ? segments.length !== fixed : segments.length < fixed) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < fixed; i++) {
    const part = route.segments[i] as Segment;
    const segment = segments[i] as string;
    if ("param" in part) params[part.param] = segment;
    else if (part.literal !== segment.toLowerCase()) return undefined;
  }
  if (route.catchAll !== undefined) params[route.catchAll] = segments.slice(fixed).join("/");
  return params;
}

/**
 * The route table of the local host, built once from the captured registrations. Matches like the
 * Functions host: case-insensitive literals, `{name}` parameters taking one decoded segment (a
 * constraint such as `{id:int}` is accepted and not checked), a trailing `{*name}` catch-all, and
 * the method filter.
 */
export function compileRoutes(registrations: readonly Registration[]): RouteTable {
  const byMethod = new Map<string, CompiledRoute[]>();
  const compiled = registrations.map(compile);
  for (const method of new Set(registrations.flatMap((r) => r.methods))) {
    byMethod.set(method, compiled.filter((c) => c.registration.methods.includes(method)).sort(byName));
  }
  return {
    match(method, path) {
      const routes = byMethod.get(method.toUpperCase());
      if (!routes) return undefined;
      const segments = path.split("/").filter(Boolean).map(decodePathSegment);
      for (const route of routes) {
        const params = matchCompiled(route, segments);
        if (params) return { registration: route.registration, params };
      }
      return undefined;
    },
  };
}

/**
 * `request.params` as the Functions host hands it over with HTTP streams. @azure/functions takes
 * every string of the invocation's trigger metadata but `Query` and `Headers` (createStreamRequest),
 * and the host's HTTP binding data holds the query parameters (all but `code`, a repeated one's last
 * value) under the route values, in a case-insensitive dictionary that keeps the name written first
 * (azure-webjobs-sdk-extensions, HttpTriggerAttributeBindingProvider.GetRequestBindingData). So
 * `GET /Users/abc?ID=1` gives `{ ID: "abc" }`, not `{ id: "abc" }`.
 */
export function hostParams(query: URLSearchParams, route: Record<string, string>): Record<string, string> {
  const byKey = new Map<string, [name: string, value: string]>();
  const set = (name: string, value: string) => {
    const key = name.toLowerCase();
    byKey.set(key, [byKey.get(key)?.[0] ?? name, value]);
  };
  for (const [name, value] of query) if (name.toLowerCase() !== "code") set(name, value);
  for (const [name, value] of Object.entries(route)) set(name, value);
  return Object.fromEntries(byKey.values());
}
