import { HttpResponse, type HttpResponseInit } from "@azure/functions";

/** What the local host writes: status, header names lower-cased in name order, and the body bytes. */
export interface WrittenResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const NULL_BODY_STATUSES = new Set([204, 205, 304]);
const KNOWN_KEYS = new Set(["status", "headers", "body", "jsonBody", "cookies", "enableContentNegotiation"]);
/** The whitespace the Fetch standard strips from both ends of a header value. */
const HTTP_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function sortedHeaders(headers: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...headers.keys()].sort()) out[name] = headers.get(name) as string;
  return out;
}

/**
 * A handler's plain `HttpResponseInit` as `new HttpResponse(init)` would give it (status, headers as
 * the Fetch `Headers` normalise them, the default content types, the body bytes), computed directly
 * instead of through a web-stream `Response` read back. Returns undefined for anything else (an
 * `HttpResponse`, a stream or other body type, cookies, array or `Headers` headers, an invalid
 * status): the caller then takes the `HttpResponse` path.
 */
export function plainResponse(result: unknown): WrittenResponse | undefined {
  if (result === undefined || result === null) return plainResponse({});
  if (!isPlainObject(result)) return undefined;
  for (const key of Object.keys(result)) if (!KNOWN_KEYS.has(key)) return undefined;
  const init = result as HttpResponseInit;
  if (init.cookies !== undefined && !(Array.isArray(init.cookies) && init.cookies.length === 0))
    return undefined;

  const status = init.status ?? 200;
  if (!Number.isInteger(status) || status < 200 || status > 599) return undefined;

  const headers = new Map<string, string>();
  if (init.headers !== undefined) {
    if (!isPlainObject(init.headers)) return undefined;
    for (const [name, raw] of Object.entries(init.headers)) {
      if (typeof raw !== "string") return undefined;
      const key = name.toLowerCase();
      if (key === "set-cookie") return undefined;
      const value = raw.replace(HTTP_WHITESPACE, "");
      const previous = headers.get(key);
      headers.set(key, previous === undefined ? value : `${previous}, ${value}`);
    }
  }

  const nullBody = NULL_BODY_STATUSES.has(status);
  let body: Buffer;
  if (init.jsonBody !== undefined && init.jsonBody !== null && !nullBody) {
    const json = JSON.stringify(init.jsonBody) as string | undefined;
    if (json === undefined) return undefined;
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    body = Buffer.from(json, "utf8");
  } else {
    const raw = nullBody ? undefined : init.body;
    if (raw === undefined || raw === null) body = Buffer.alloc(0);
    else if (typeof raw === "string") {
      if (!headers.has("content-type")) headers.set("content-type", "text/plain;charset=UTF-8");
      body = Buffer.from(raw, "utf8");
    } else if (raw instanceof Uint8Array) body = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    else if (raw instanceof ArrayBuffer) body = Buffer.from(raw);
    else return undefined;
  }
  return { status, headers: sortedHeaders(headers), body };
}

/** The general path: every handler result through `HttpResponse` (a web-stream `Response`) and back. */
export async function viaHttpResponse(result: unknown): Promise<WrittenResponse> {
  const response = result instanceof HttpResponse ? result : new HttpResponse(result as HttpResponseInit);
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return { status: response.status, headers, body };
}
