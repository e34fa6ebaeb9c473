import http from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy does to one request instead of forwarding it untouched. */
export type Fault =
  /** Cosmos DB's transient answers: 429 (with x-ms-retry-after-ms), 503, 408, 410, 449. */
  | { kind: "status"; status: 408 | 410 | 429 | 449 | 503 }
  /** Forwards the request only after `ms`: past the SDK's request timeout, the response is lost. */
  | { kind: "delay"; ms: number }
  /** Closes the connection without answering (the request is not forwarded). */
  | { kind: "drop" }
  /** Forwards the request and, once the server has answered, closes the connection: the answer is lost. */
  | { kind: "lost" }
  /**
   * A proxy or load balancer in front of the account answers with its own HTML error page (not
   * forwarded): the SDK fails to parse it before it reads the status.
   */
  | { kind: "gateway"; status: 502 | 504 }
  /**
   * Cosmos DB's refusal of a write past the 20 GB a logical partition (here: a tenant's data in one
   * container) may hold: 403 with substatus 1014, never a transient fault (not in `FAULTS`).
   */
  | { kind: "partitionFull" };

export const FAULTS: readonly Fault[] = [
  { kind: "status", status: 429 },
  { kind: "status", status: 503 },
  { kind: "status", status: 408 },
  { kind: "status", status: 410 },
  { kind: "status", status: 449 },
  { kind: "delay", ms: 900 },
  { kind: "drop" },
  { kind: "gateway", status: 502 },
  { kind: "lost" },
];

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case "status":
      return String(fault.status);
    case "delay":
      return `delay ${fault.ms} ms`;
    case "drop":
      return "drop";
    case "lost":
      return "answer lost";
    case "gateway":
      return `gateway ${fault.status} (HTML)`;
    case "partitionFull":
      return "partition full (403/1014)";
  }
}

/** Decides, for the n-th request since the last `reset`, whether to inject a fault. */
export type FaultPlan = (
  n: number,
  /** `query`: a query or its query plan (a POST to a container's documents, as a create is). */
  request: { method: string; path: string; query: boolean },
) => Fault | undefined;

export interface FaultProxy {
  endpoint: string;
  /** Requests seen since the last reset. */
  readonly count: number;
  /** Resolves once no delayed request is still on its way to the server. */
  idle(): Promise<void>;
  /** Installs a plan (or none) and restarts the request count. */
  reset(plan?: FaultPlan): void;
  close(): Promise<void>;
}

const STATUS_CODES: Record<number, string> = {
  408: "RequestTimeout",
  410: "Gone",
  429: "TooManyRequests",
  449: "RetryWith",
  503: "ServiceUnavailable",
};

/**
 * An HTTP proxy on loopback in front of the embedded Cosmos DB server that injects the faults real
 * Cosmos DB produces, so tests can prove that no step of an operation turns one into a 500 or into
 * lost data. Requests are numbered from the last `reset`, so a test can fault "the k-th call".
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  let plan: FaultPlan | undefined;
  let count = 0;
  let inFlight = 0;
  const waiters: (() => void)[] = [];
  const settle = () => {
    inFlight--;
    if (inFlight === 0) for (const wake of waiters.splice(0)) wake();
  };
  const server = http.createServer((req, res) => {
    const n = count++;
    const fault = plan?.(n, {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      query:
        req.headers["x-ms-documentdb-isquery"] !== undefined ||
        req.headers["x-ms-cosmos-is-query-plan-request"] !== undefined,
    });
    if (fault?.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      const body = JSON.stringify({
        code: STATUS_CODES[fault.status],
        message: "Injected by the fault proxy.",
      });
      res.writeHead(fault.status, {
        "content-type": "application/json",
        "x-ms-request-charge": "1",
        ...(fault.status === 429 ? { "x-ms-retry-after-ms": "20" } : {}),
      });
      res.end(body);
      req.resume();
      return;
    }
    if (fault?.kind === "partitionFull") {
      res.writeHead(403, {
        "content-type": "application/json",
        "x-ms-substatus": "1014",
        "x-ms-request-charge": "1",
      });
      res.end(JSON.stringify({ code: "Forbidden", message: "Partition key reached maximum size of 20 GB" }));
      req.resume();
      return;
    }
    if (fault?.kind === "gateway") {
      res.writeHead(fault.status, { "content-type": "text/html" });
      res.end(
        `<html><head><title>${fault.status}</title></head><body><h1>${fault.status}</h1></body></html>`,
      );
      req.resume();
      return;
    }
    // The body is read first: a delayed write still reaches the server after its client gave up,
    // which is exactly the lost response a retry must not turn into a duplicate or a conflict.
    inFlight++;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", settle);
    req.on("end", () => {
      const forward = () => {
        const proxied = http.request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
            agent,
          },
          (answer) => {
            const body: Buffer[] = [];
            answer.on("data", (chunk: Buffer) => body.push(chunk));
            answer.on("end", () => {
              settle();
              if (fault?.kind === "lost") {
                req.socket.destroy();
                return;
              }
              if (res.destroyed || res.headersSent) return;
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(body));
            });
          },
        );
        proxied.on("error", () => {
          settle();
          res.destroy();
        });
        proxied.end(Buffer.concat(chunks));
      };
      if (fault?.kind === "delay") setTimeout(forward, fault.ms);
      else forward();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get count() {
      return count;
    },
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    reset(next) {
      plan = next;
      count = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
