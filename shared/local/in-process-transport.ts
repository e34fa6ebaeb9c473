import type http from "node:http";
import { Readable } from "node:stream";
import type { MessagePort, Worker } from "node:worker_threads";
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";

/** What the embedded server's request listener reads of a request and writes to a response. */
export type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/*
 * Why: `npm start` runs the SDK and the embedded server in one process, yet every Cosmos DB call
 * went through a loopback socket: the SDK's Node HTTP client wrote a request, the server parsed it,
 * wrote a response, the client parsed that. Measured on GET /Users/{id} (one point read), that
 * hop was about 0.3 ms of the process's CPU per call, more than the SCIM handling itself.
 * `@azure/cosmos` takes an `httpClient` (CosmosClientOptions) for exactly this: the whole SDK runs
 * as in production (request building, auth header, pipeline, retries, response parsing, errors);
 * only the last step, moving bytes over a socket, becomes a call to the server's listener with
 * the same method, path, headers and body. The server still listens, for the CLI and other
 * processes, and a fault proxy in front of it is reached over HTTP as before.
 */

const abortError = () => Object.assign(new Error("The operation was aborted."), { name: "AbortError" });

/** The request the listener sees: a readable body with the method, path and headers of the HTTP request. */
function incomingMessage(request: PipelineRequest, body: Buffer | undefined): http.IncomingMessage {
  const url = new URL(request.url);
  const headers: Record<string, string> = { host: url.host };
  for (const [name, value] of request.headers) headers[name.toLowerCase()] = value;
  if (body) headers["content-length"] = String(body.length);
  const stream = new Readable({ read() {} });
  if (body) stream.push(body);
  stream.push(null);
  return Object.assign(stream, {
    method: request.method,
    url: url.pathname + url.search,
    headers,
  }) as unknown as http.IncomingMessage;
}

/** The response the listener writes: status, headers and one body, handed back when it ends. */
function serverResponse(onEnd: (status: number, headers: Record<string, string>, body: string) => void) {
  const headers: Record<string, string> = {};
  const res = {
    statusCode: 200,
    finished: false,
    headersSent: false,
    setHeader(name: string, value: number | string | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
      return res;
    },
    getHeader: (name: string) => headers[name.toLowerCase()],
    writeHead(status: number, more?: Record<string, number | string>) {
      res.statusCode = status;
      for (const [name, value] of Object.entries(more ?? {})) res.setHeader(name, value);
      res.headersSent = true;
      return res;
    },
    end(chunk?: string | Buffer) {
      if (res.finished) return res;
      res.finished = true;
      res.headersSent = true;
      onEnd(res.statusCode, headers, chunk === undefined ? "" : chunk.toString());
      return res;
    },
  };
  return res as unknown as http.ServerResponse;
}

function bodyBytes(body: PipelineRequest["body"]): Buffer | undefined | "unsupported" {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return "unsupported";
}

/**
 * A call that `start` answers, failed at once with an AbortError when `signal` aborts, as the
 * SDK's HTTP client fails a timed-out call: the server may still finish the work, as a real server
 * does with a request whose client gave up. `onAbort` forgets the call.
 */
function abortable(
  signal: PipelineRequest["abortSignal"],
  start: (resolve: (response: PipelineResponse) => void, reject: (error: Error) => void) => void,
  onAbort?: () => void,
): Promise<PipelineResponse> {
  if (signal?.aborted) return Promise.reject(abortError());
  return new Promise<PipelineResponse>((resolve, reject) => {
    const aborted = () => {
      onAbort?.();
      reject(abortError());
    };
    signal?.addEventListener("abort", aborted, { once: true });
    const settled =
      <T>(settle: (value: T) => void) =>
      (value: T) => {
        signal?.removeEventListener("abort", aborted);
        settle(value);
      };
    start(settled(resolve), settled(reject));
  });
}

/**
 * An SDK `HttpClient` that sends each request through `send`, with its body as `convert` passes it
 * on; a body `convert` cannot pass on (a stream, a form) goes over HTTP to the listening server.
 */
function passingBodies<B>(
  convert: (body: PipelineRequest["body"]) => B | "unsupported",
  send: (request: PipelineRequest, body: B) => Promise<PipelineResponse>,
): HttpClient {
  let overHttp: HttpClient | undefined;
  return {
    sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const body = convert(request.body);
      if (body === "unsupported") {
        overHttp ??= createDefaultHttpClient();
        return overHttp.sendRequest(request);
      }
      return send(request, body as B);
    },
  };
}

/**
 * An SDK `HttpClient` that hands each request to `listener` in this process. A body it cannot
 * pass as bytes (a stream, a form) goes over HTTP to the listening server instead.
 */
export function inProcessHttpClient(listener: RequestListener): HttpClient {
  return passingBodies(bodyBytes, (request, body) =>
    abortable(request.abortSignal, (resolve, reject) => {
      const res = serverResponse((status, headers, text) =>
        resolve({ request, status, headers: createHttpHeaders(headers), bodyAsText: text }),
      );
      try {
        listener(incomingMessage(request, body), res);
      } catch (error) {
        reject(error as Error);
      }
    }),
  );
}

/*
 * The embedded server on a thread of its own (embedded-cosmos-thread.ts). In Azure the database
 * does its work elsewhere and the Functions host's thread only waits for it; in one thread the
 * server's work (routing, storing, indexes, queries) took a share of every request's CPU on the
 * thread that also parses and answers HTTP. Across threads a call is one message each way: the
 * method, URL, headers and body go to the server's thread, which hands them to the same
 * in-process client as above and sends back the status, headers and body. The SDK's side is
 * unchanged (pipeline, retries, errors, its own timeout), as with the in-process client.
 */

/** One Cosmos DB call on its way to the database thread. */
export interface ThreadCall {
  id: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

/** Its answer: what the server wrote, or the message of what the server's listener threw. */
export type ThreadAnswer =
  | { id: number; status: number; headers: Record<string, string>; body: string }
  | { id: number; thrown: string };

/** The client's side of the database thread: an SDK `HttpClient`, and how it learns the thread stopped. */
export interface ThreadHttpClient extends HttpClient {
  /** Fails the calls in flight and every later one with `error` (the thread is gone). */
  fail(error: Error): void;
}

/** A call's body as the thread receives it: text and bytes as they are, a stream not at all. */
function threadBody(body: PipelineRequest["body"]): ThreadCall["body"] | "unsupported" {
  if (body === undefined || body === null || typeof body === "string") return body ?? undefined;
  const bytes = bodyBytes(body);
  return bytes === "unsupported" ? bytes : bytes && new Uint8Array(bytes);
}

/**
 * An SDK `HttpClient` whose calls go to the database thread `thread` (answered there by
 * `answerThreadCalls`). A body it cannot pass as a message (a stream, a form) goes over HTTP to
 * the server's listening socket instead.
 */
export function threadHttpClient(thread: Worker | MessagePort): ThreadHttpClient {
  type Pending = { request: PipelineRequest; resolve(r: PipelineResponse): void; reject(e: Error): void };
  const pending = new Map<number, Pending>();
  let next = 0;
  let failure: Error | undefined;
  thread.on("message", (answer: ThreadAnswer | { ready: string }) => {
    if (!("id" in answer)) return;
    const call = pending.get(answer.id);
    if (!call) return; // its caller gave up (aborted) before the answer came
    pending.delete(answer.id);
    if ("thrown" in answer) call.reject(new Error(answer.thrown));
    else {
      call.resolve({
        request: call.request,
        status: answer.status,
        headers: createHttpHeaders(answer.headers),
        bodyAsText: answer.body,
      });
    }
  });
  const client = passingBodies(threadBody, (request, body) => {
    if (failure) return Promise.reject(failure);
    const id = next++;
    return abortable(
      request.abortSignal,
      (resolve, reject) => {
        pending.set(id, { request, resolve, reject });
        const call: ThreadCall = {
          id,
          method: request.method,
          url: request.url,
          headers: request.headers.toJSON(),
          body,
        };
        thread.postMessage(call);
      },
      () => pending.delete(id),
    );
  });
  return {
    sendRequest: (request) => client.sendRequest(request),
    fail(error: Error) {
      failure = error;
      for (const call of pending.values()) call.reject(error);
      pending.clear();
    },
  };
}

/** The database thread's side: answers each `ThreadCall` arriving on `port` through `client`. */
export function answerThreadCalls(port: MessagePort, client: HttpClient): void {
  port.on("message", (call: ThreadCall) => {
    const request = createPipelineRequest({
      url: call.url,
      method: call.method as PipelineRequest["method"],
      headers: createHttpHeaders(call.headers),
      ...(call.body === undefined ? {} : { body: call.body }),
    });
    client.sendRequest(request).then(
      (response) => {
        const answer: ThreadAnswer = {
          id: call.id,
          status: response.status,
          headers: response.headers.toJSON(),
          body: response.bodyAsText ?? "",
        };
        port.postMessage(answer);
      },
      (error: unknown) => {
        const answer: ThreadAnswer = {
          id: call.id,
          thrown: error instanceof Error ? error.message : String(error),
        };
        port.postMessage(answer);
      },
    );
  });
}
