import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { format } from "node:util";
import { HttpRequest, type HttpRequestInit, InvocationContext } from "@azure/functions";
import type { Registration } from "./functions-core-shim.js";
import { compileRoutes, hostParams } from "./match-route.js";
import { plainResponse, viaHttpResponse } from "./plain-response.js";

/** Kestrel's `KeepAliveTimeout` default (KestrelServerLimits). */
export const KESTREL_KEEP_ALIVE_MS = 130_000;

export interface LocalHost {
  url: string;
  close(): Promise<void>;
}

export interface LocalHostOptions {
  registrations: readonly Registration[];
  routePrefix: string;
  port: number;
  host?: string;
  /** Where function logs go (the Functions host sends them to Application Insights). */
  log?: (level: string, message: string) => void;
}

/**
 * The request's headers as the worker gets them with HTTP streams: the trigger metadata's
 * `Headers`, which the host fills with `StringValues.ToString()`, every value of a repeated header
 * joined by "," (HttpTriggerAttributeBindingProvider.GetRequestBindingData). `req.headers` would
 * keep only the first of two `Authorization` headers (Node discards repeats of some headers), so a
 * request that Azure refuses as malformed passed here with the first credential.
 */
function toHeaders(req: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, values] of Object.entries(req.headersDistinct)) {
    if (values !== undefined) headers[key] = values.join(",");
  }
  return headers;
}

/**
 * A thin stand-in for the Functions host over node:http: routes under the prefix to the captured
 * `app.http` registrations and runs their handlers with real `HttpRequest`/`InvocationContext`
 * objects. Unmatched requests get the host's bare 404. The route table is built once, when the host
 * starts (functions register at start-up, as in the Functions host). A handler's plain result is
 * written as `HttpResponse` would render it, without a web-stream round trip.
 */
export function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const trimmed = options.routePrefix.replace(/^\/+|\/+$/g, "");
  const prefix = trimmed === "" ? "" : `/${trimmed}`.toLowerCase();
  const routes = compileRoutes(options.registrations);
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
      const path = url.pathname;
      const underPrefix = path.toLowerCase() === prefix || path.toLowerCase().startsWith(`${prefix}/`);
      const method = (req.method ?? "GET").toUpperCase();
      const match = underPrefix ? routes.match(method, path.slice(prefix.length)) : undefined;
      if (!match) {
        res.writeHead(404).end();
        return;
      }
      // The body stays a stream, as with the Functions host's HTTP streams: a handler that refuses
      // the request (401, an over-long Content-Length) never makes the host read it. `nativeRequest`
      // is how @azure/functions' own streaming path (createStreamRequest) builds an HttpRequest.
      const hasBody = method !== "GET" && method !== "HEAD";
      const nativeRequest = new Request(url, {
        method,
        headers: toHeaders(req),
        ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
      } as RequestInit);
      const params = hostParams(url.searchParams, match.params);
      const request = new HttpRequest({ nativeRequest, params } as HttpRequestInit);
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: match.registration.name,
        // The worker writes `util.format(...args)` (InvocationModel#log): an error's stack and
        // properties go to Application Insights, so a test of what is logged must see them too.
        logHandler: (level, ...args) => options.log?.(level, format(...args)),
      });
      const result = await match.registration.handler(request, context);
      const response = plainResponse(result) ?? (await viaHttpResponse(result));
      // A body the handler refused unread is not drained: the connection closes after the answer.
      const headers = req.complete ? response.headers : { ...response.headers, connection: "close" };
      res.writeHead(response.status, headers).end(response.body);
    } catch (error) {
      options.log?.("error", `Local host failure: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  // Kestrel, the Functions host's server, keeps idle connections 130 s; Node's default is 5 s. With
  // 5 s, a client reusing a connection after a pause races the server closing it ("fetch failed:
  // other side closed"), which a busy event loop makes likely: seen in `npm run bench`.
  server.keepAliveTimeout = KESTREL_KEEP_ALIVE_MS;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://localhost:${port}${prefix}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
