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

const literals = (route: CompiledRoute) => route.segments.filter((s) => "literal" in s).length;

/**
 * Ranking, computed once: routes ending in a catch-all last, then more literal segments first
 * (`Users/.search` over `Users/{id}`), then registration order. The Functions host tries its routes
 * in registration order (an ASP.NET Core RouteCollection, first match wins): the two agree whenever
 * no two routes of one method match the same path, as for functions/ today. A catch-all must also be
 * registered last to rank last in Azure.
 */
function rank(routes: CompiledRoute[]): CompiledRoute[] {
  return routes
    .map((route, order) => ({ route, order }))
    .sort(
      (a, b) =>
        Number(a.route.catchAll !== undefined) - Number(b.route.catchAll !== undefined) ||
        literals(b.route) - literals(a.route) ||
        a.order - b.order,
    )
    .map(({ route }) => route);
}

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
    byMethod.set(method, rank(compiled.filter((c) => c.registration.methods.includes(method))));
  }
  return {
    match(method, path) {
      const routes = byMethod.get(method.toUpperCase());
      if (!routes) return undefined;
      let segments: string[];
      try {
        segments = path.split("/").filter(Boolean).map(decodeURIComponent);
      } catch {
        return undefined;
      }
      for (const route of routes) {
        const params = matchCompiled(route, segments);
        if (params) return { registration: route.registration, params };
      }
      return undefined;
    },
  };
}
