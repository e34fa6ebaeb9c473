import { routeSegments } from "../http/scim-path.js";
import type { Registration } from "./functions-core-shim.js";

export interface RouteMatch {
  registration: Registration;
  /** undefined: a catch-all that took no segment, whose route value is null in the host. */
  params: Record<string, string | undefined>;
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
  trailingSlash: boolean,
): Record<string, string | undefined> | undefined {
  const fixed = route.segments.length;
  if (route.catchAll === undefined ? segments.length !== fixed : segments.length < fixed) return undefined;
  const params: Record<string, string | undefined> = {};
  for (let i = 0; i < fixed; i++) {
    const part = route.segments[i] as Segment;
    const segment = segments[i] as string;
    // An empty segment (`Users//abc`) is no value for a parameter (RoutePatternMatcher).
    if ("param" in part) {
      if (segment === "") return undefined;
      params[part.param] = segment;
    } else if (part.literal !== segment.toLowerCase()) return undefined;
  }
  if (route.catchAll !== undefined) {
    // The host's catch-all takes the rest of the path as it is, trailing slash included.
    const rest = segments.slice(fixed);
    params[route.catchAll] = rest.length > 0 ? rest.join("/") + (trailingSlash ? "/" : "") : undefined;
  }
  return params;
}

/**
 * The route table of the local host, built once from the captured registrations. Matches like the
 * Functions host: case-insensitive literals, `{name}` parameters taking one decoded, non-empty
 * segment (a constraint such as `{id:int}` is accepted and not checked), a trailing `{*name}`
 * catch-all, and the method filter.
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
      const segments = routeSegments(path);
      const trailingSlash = path.length > 1 && path.endsWith("/");
      for (const route of routes) {
        const params = matchCompiled(route, segments, trailingSlash);
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
export function hostParams(
  query: URLSearchParams,
  route: Record<string, string | undefined>,
): Record<string, string> {
  const byKey = new Map<string, [name: string, value: string | undefined]>();
  const set = (name: string, value: string | undefined) => {
    const key = name.toLowerCase();
    byKey.set(key, [byKey.get(key)?.[0] ?? name, value]);
  };
  for (const [name, value] of query) if (name.toLowerCase() !== "code") set(name, value);
  // A null route value still replaces the query's, and the worker gets neither (null is skipped).
  for (const [name, value] of Object.entries(route)) set(name, value);
  const params: Record<string, string> = {};
  for (const [name, value] of byKey.values()) if (value !== undefined) params[name] = value;
  return params;
}
