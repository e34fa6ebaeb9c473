/**
 * The Tenant URL path: every SCIM function's route starts with it, so the Tenant URL is
 * `https://<host>/scim/v2`. host.json sets `routePrefix` to "" (a test checks it) so that endpoints
 * outside the Tenant URL, such as the OAuth token endpoint, answer in their own protocol.
 */
export const SCIM_PATH = "scim/v2";

/** The route of a SCIM function: `scimRoute("Users/{id}")` is `scim/v2/Users/{id}`. */
export const scimRoute = (path: string): string => `${SCIM_PATH}/${path}`;

/** Runs of `%XX` escapes but `%2F`, which Kestrel never decodes: its `/` would be a segment break. */
const ESCAPES = /(?:%(?!2[Ff])[0-9A-Fa-f]{2})+/g;

/** How many bytes a UTF-8 sequence starting with `lead` has (0: not a lead byte). */
const sequenceLength = (lead: number) =>
  lead < 0x80
    ? 1
    : lead >= 0xc2 && lead < 0xe0
      ? 2
      : lead >= 0xe0 && lead < 0xf0
        ? 3
        : lead >= 0xf0 && lead < 0xf5
          ? 4
          : 0;

/** One run of `%XX` escapes: each valid UTF-8 sequence decoded, every other escape kept as sent. */
function decodeEscapes(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    const escapes = run.match(/%[0-9A-Fa-f]{2}/g) as string[];
    let out = "";
    for (let i = 0; i < escapes.length; ) {
      const length = sequenceLength(Number.parseInt((escapes[i] as string).slice(1), 16));
      const sequence = length > 0 ? escapes.slice(i, i + length).join("") : "";
      let decoded: string | undefined;
      try {
        decoded = length > 0 && i + length <= escapes.length ? decodeURIComponent(sequence) : undefined;
      } catch {
        decoded = undefined;
      }
      if (decoded === undefined) {
        out += escapes[i];
        i += 1;
      } else {
        out += decoded;
        i += length;
      }
    }
    return out;
  }
}

/**
 * A path segment decoded as Kestrel decodes the Functions host's request paths: valid
 * percent-encoded UTF-8 decoded, anything else (`%zz`, a truncated or invalid sequence) left as
 * sent (aspnet/HttpAbstractions#448: "if a sequence can't be correctly decoded under UTF8, just
 * leave them as is"), and `%2F` kept as sent (Kestrel's UrlDecoder.SkipUnescape), so the host's
 * route value of `/Users/a%2Fb` is `a%2Fb`. So `/Users/%E0%A4%A` reaches the users-get function, as
 * in Azure, and gets a SCIM 404 rather than no function at all; a `/Bulk` operation's path decodes
 * the same way.
 */
export function decodePathSegment(segment: string): string {
  return segment.includes("%") ? segment.replace(ESCAPES, decodeEscapes) : segment;
}

/**
 * A request path's segments as the Functions host routes it: decoded as Kestrel decodes it, then
 * split as ASP.NET Core routing splits it (PathTokenizer): one trailing slash ignored, an empty
 * segment kept. So `/Users//abc` is `Users`, ``, `abc`, which no literal and no `{id}` matches: in
 * Azure it reaches the catch-all, not users-get.
 */
export function routeSegments(path: string): string[] {
  const decoded = decodePathSegment(path).replace(/^\//, "");
  if (decoded === "") return [];
  return (decoded.endsWith("/") ? decoded.slice(0, -1) : decoded).split("/");
}
