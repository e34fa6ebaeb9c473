import { randomUUID } from "node:crypto";
import type http from "node:http";
import type { AddressInfo } from "node:net";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { registerInProcessServer } from "../store/cosmos-client.js";
import { inProcessHttpClient } from "./in-process-transport.js";
import { installItemSizeLimit } from "./item-size-limit.js";
import { installUniqueKeyLookups } from "./unique-key-lookups.js";

/** The well-known key of the Cosmos DB emulator; the embedded server accepts any key. */
export const EMULATOR_KEY =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

export interface EmbeddedCosmos {
  endpoint: string;
  /** How clients on this thread reach the server without a socket (createCosmosClient uses it). */
  transport: HttpClient;
  close(): Promise<void>;
}

/*
 * Query plans. For every item query, `@azure/cosmos` 4.9.3 first POSTs the query to the container's
 * `docs` with the header `x-ms-cosmos-is-query-plan-request: True`, then sends the query itself
 * (dist/commonjs/queryIterator.js: `fetchNext`, `fetchAll` and the async iterator all start
 * `fetchQueryPlan`, which calls `ClientContext.getQueryPlan` without awaiting it and keeps any error
 * as the promise's value). The answer is read in `createExecutionContext` only, which runs in two
 * cases:
 *   - `_init`, when the caller set `forceQueryPlan: true` (nothing in this project does);
 *   - `needsQueryPlan`, after the query itself failed with a 400 whose body carries
 *     `additionalErrorInfo` or whose message says "Cross partition query only supports": how
 *     real Cosmos DB refuses a cross-partition query that needs client-side work (ORDER BY,
 *     aggregates, DISTINCT...) sent without a partition key. A query with `partitionKey` in its
 *     options goes to one partition and never gets that answer, so the plan is ignored; this
 *     project sends every query that way. The embedded server runs any query whole and never
 *     answers either form of that 400.
 * So for this SDK the plan is dead weight, but `@vercel/cosmosdb-server` routes the plan request to
 * its query handler and runs the whole query to answer it (a scan of the container): every query
 * ran twice. The plan request carries neither the partition key nor `forceQueryPlan`, so the
 * decision is by SDK build (its user agent): for the verified build the front below answers a
 * minimal valid plan ("nothing to do on the client", one range) without touching the data; any
 * other client's plan request goes to the server as before. Even under `forceQueryPlan` that plan
 * is right here: the server has one partition key range and runs ORDER BY, TOP and aggregates itself
 * (passed through, its answer is the query's documents, on which the SDK fails).
 * Real Cosmos DB computes a real plan; no code of this project depends on the difference.
 */

/** SDK builds whose QueryIterator was read for the rule above; re-read it before adding one. */
const PLAN_IGNORED_BY = /\bazure-cosmos-js\/4\.9\.3(?![\w.])/;
const DOCS_PATH = /^\/+dbs\/[^/]+\/colls\/[^/]+\/docs\/?$/;

/** A valid PartitionedQueryExecutionInfo that asks the SDK for no client-side step, over one full range. */
export const MINIMAL_QUERY_PLAN = {
  partitionedQueryExecutionInfoVersion: 2,
  queryInfo: {
    distinctType: "None",
    top: null,
    offset: null,
    limit: null,
    orderBy: [],
    orderByExpressions: [],
    groupByExpressions: [],
    groupByAliases: [],
    aggregates: [],
    groupByAliasToAggregateType: {},
    rewrittenQuery: "",
    hasSelectValue: false,
    hasNonStreamingOrderBy: false,
  },
  queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }],
} as const;

/** True for a query-plan request the SDK that sent it will not read (see above). */
export function isIgnoredQueryPlanRequest(req: http.IncomingMessage): boolean {
  const header = req.headers["x-ms-cosmos-is-query-plan-request"];
  return (
    req.method === "POST" &&
    typeof header === "string" &&
    header.toLowerCase() === "true" &&
    DOCS_PATH.test((req.url ?? "").split("?")[0] ?? "") &&
    PLAN_IGNORED_BY.test(req.headers["user-agent"] ?? "")
  );
}

function answerQueryPlan(req: http.IncomingMessage, res: http.ServerResponse): void {
  const body = JSON.stringify(MINIMAL_QUERY_PLAN);
  // Read the request to its end first, so the kept-alive connection is ready for the next one.
  req.resume();
  req.once("end", () => {
    res.writeHead(200, {
      "content-type": "application/json",
      "x-ms-activity-id": randomUUID(),
      "x-ms-request-charge": "0",
    });
    res.end(body);
  });
}

/**
 * Starts `@vercel/cosmosdb-server` in-process on loopback (plain HTTP; data lives in memory and is
 * gone on exit). It is a development dependency: production builds never load this module.
 * Five things differ from the package's defaults: connections are kept alive (its
 * `createHttpServer()` answers `connection: close` unless asked, so every SDK call opened a new TCP
 * connection), query-plan requests the SDK ignores are answered without running the query,
 * equality lookups on a unique key read the server's unique-key index (unique-key-lookups.ts),
 * items over Cosmos DB's 2 MB limit are refused as Cosmos DB refuses them (item-size-limit.ts),
 * and clients in this process reach it without a socket (in-process-transport.ts); other
 * processes reach it over HTTP.
 */
export async function startEmbeddedCosmos(port = 0): Promise<EmbeddedCosmos> {
  const { createHttpServer } = await import("@vercel/cosmosdb-server");
  await installUniqueKeyLookups();
  await installItemSizeLimit();
  const server = createHttpServer({ keepAlive: true });
  // Idle connections stay open a minute (Node's default is 5 s); the SDK's agent reuses them.
  server.keepAliveTimeout = 60_000;
  const handlers = server.listeners("request") as http.RequestListener[];
  const handle = handlers[0];
  if (handlers.length !== 1 || !handle) throw new Error("cosmosdb-server: expected one request listener");
  server.removeAllListeners("request");
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (isIgnoredQueryPlanRequest(req)) answerQueryPlan(req, res);
    else handle.call(server, req, res);
  };
  server.on("request", listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const transport = inProcessHttpClient(listener);
  const unregister = registerInProcessServer(endpoint, transport);
  return {
    endpoint,
    transport,
    close: () =>
      new Promise<void>((resolve) => {
        unregister();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
