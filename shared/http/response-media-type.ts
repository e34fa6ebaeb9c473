export const SCIM_CONTENT_TYPE = "application/scim+json; charset=utf-8";
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** The quality RFC 9110 §12.5.1 gives `type`: that of the most specific range matching it, 0 if none. */
function quality(ranges: readonly { range: string; q: number }[], type: string): number {
  const [major] = type.split("/");
  for (const candidate of [type, `${major}/*`, "*/*"]) {
    const match = ranges.find((r) => r.range === candidate);
    if (match) return match.q;
  }
  return 0;
}

/**
 * The media type of a SCIM response body (RFC 7644 §3.8): `application/scim+json`, unless the
 * client's `Accept` prefers `application/json`, which service providers SHOULD support. Anything
 * else (no Accept, `*\/*`, a type we cannot produce) gets the SCIM type: RFC 9110 lets a server
 * answer in its default form rather than refuse with 406, and every SCIM client reads it.
 */
export function responseMediaType(accept: string | undefined): string {
  if (!accept) return SCIM_CONTENT_TYPE;
  const ranges = accept.split(",").map((part) => {
    const [range = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    const value = q === undefined ? 1 : Number(q.slice(2));
    return { range, q: Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0 };
  });
  const json = quality(ranges, "application/json");
  const scim = quality(ranges, "application/scim+json");
  // Equal qualities: the type the client named beats one it reached by a wildcard (axios sends
  // "application/json, text/plain, */*"); otherwise the SCIM type.
  const named = (type: string) => ranges.some((r) => r.range === type && r.q > 0);
  const preferJson =
    json > scim || (json === scim && named("application/json") && !named("application/scim+json"));
  return json > 0 && preferJson ? JSON_CONTENT_TYPE : SCIM_CONTENT_TYPE;
}
