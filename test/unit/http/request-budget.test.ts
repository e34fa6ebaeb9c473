import { HttpRequest, type HttpRequestInit, InvocationContext } from "@azure/functions";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { scimHandler } from "../../../shared/http/scim-handler.js";
import type { Scope } from "../../../shared/operations/operation.js";
import type { ScimValue } from "../../../shared/schema/scim-json.js";
import type { CallContext } from "../../../shared/store/cosmos-call.js";

const BUDGET_MS = 30_000;
const AUTH_MS = 12_000;
const BODY_MS = 3_000;

// The pipeline's services, reduced to what a request's budget depends on: authentication that
// takes AUTH_MS of the clock (its own Cosmos DB reads, Entra's keys), and the scope the operation
// gets, whose context carries the deadline its Cosmos DB calls are retried until.
const seen: { ctx?: CallContext } = {};
vi.mock("../../../shared/services.js", () => ({
  getServices: async () => ({
    config: { requestBudgetMs: BUDGET_MS, maxBodyBytes: 1_000_000, unknownSettings: [] },
    authenticate: async () => {
      vi.setSystemTime(Date.now() + AUTH_MS);
      return { ok: true, tenantId: "contoso", method: "secret-token" };
    },
    scope: (tenantId: string, ctx: CallContext) => {
      seen.ctx = ctx;
      return { tenantId, ctx } as unknown as Scope;
    },
  }),
}));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-12-02T12:00:00Z"));
  seen.ctx = undefined;
});
afterEach(() => {
  vi.useRealTimers();
});

const handler = scimHandler(async (request) => ({
  status: 200,
  body: { received: (request.body ?? null) as ScimValue },
}));

test("the request budget counts from the request's arrival: authentication comes out of it", async () => {
  const arrived = Date.now();
  const response = await handler(
    new HttpRequest({
      method: "GET",
      url: "http://localhost/scim/v2/Users",
      headers: { authorization: "Bearer a-secret-token-of-the-tenant" },
    }),
    new InvocationContext({ logHandler: () => {} }),
  );
  expect(response.status).toBe(200);
  // Counted from the end of authentication, it ended AUTH_MS later, past the budget from arrival.
  expect(seen.ctx?.deadline).toBe(arrived + BUDGET_MS);
});

test("so does reading the body", async () => {
  const arrived = Date.now();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      vi.setSystemTime(Date.now() + BODY_MS);
      controller.enqueue(new TextEncoder().encode('{"schemas":[]}'));
      controller.close();
    },
  });
  // As the local host builds it, and @azure/functions' own streaming path: the body a web stream.
  const nativeRequest = new Request("http://localhost/scim/v2/Users", {
    method: "POST",
    headers: {
      authorization: "Bearer a-secret-token-of-the-tenant",
      "content-type": "application/scim+json",
    },
    body,
    duplex: "half",
  } as RequestInit);
  const response = await handler(
    new HttpRequest({ nativeRequest } as HttpRequestInit),
    new InvocationContext({ logHandler: () => {} }),
  );
  expect(response.status).toBe(200);
  expect(JSON.parse(String(response.body))).toEqual({ received: { schemas: [] } });
  expect(seen.ctx?.deadline).toBe(arrived + BUDGET_MS);
});
