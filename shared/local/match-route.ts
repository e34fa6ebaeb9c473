import type { Registration } from "./functions-core-shim.js";

export interface RouteMatch {
  registration: Registration;
  params: Record<string, string>;
}

function matchTemplate(template: string, segments: string[]): Record<string, string> | undefined {
  const parts = template.split("/").filter(Boolean);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const segment = segments[i] as string;
    const param = /^\{([^}:?*]+)(?::[^}]*)?\??\}$/.exec(part);
    if (param?.[1]) params[param[1]] = segment;
    else if (part.toLowerCase() !== segment.toLowerCase()) return undefined;
  }
  return params;
}

/** Literal segments outrank parameters, as in the host's ASP.NET routing (`Users/.search` over `Users/{id}`). */
const specificity = (route: string) => route.split("/").filter((p) => p && !p.startsWith("{")).length;

/**
 * Matches a path (after the route prefix) like the Functions host: case-insensitive literals,
 * `{name}` parameters taking one decoded segment, and the method filter.
 */
export function matchRoute(
  registrations: readonly Registration[],
  method: string,
  path: string,
): RouteMatch | undefined {
  let segments: string[];
  try {
    segments = path.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const candidates = registrations
    .filter((r) => r.methods.includes(method.toUpperCase()))
    .sort((a, b) => specificity(b.route) - specificity(a.route));
  for (const registration of candidates) {
    const params = matchTemplate(registration.route, segments);
    if (params) return { registration, params };
  }
  return undefined;
}
