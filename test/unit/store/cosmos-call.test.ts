import { describe, expect, test } from "vitest";
import { ScimError } from "../../../shared/errors/scim-error.js";
import { callContext, cosmosCall } from "../../../shared/store/cosmos-call.js";

const failing = (code: string) =>
  Object.assign(new Error(`connect ${code} account.documents.azure.com`), { code });

/** What a call that keeps failing without a status ends as: retried until the budget, then 503; or rethrown. */
async function outcome(code: string): Promise<"unavailable" | "rethrown"> {
  let attempts = 0;
  try {
    await cosmosCall(callContext(150), async () => {
      attempts++;
      throw failing(code);
    });
  } catch (error) {
    if (error instanceof ScimError && error.status === 503) {
      expect(attempts).toBeGreaterThan(1);
      return "unavailable";
    }
    return "rethrown";
  }
  throw new Error("the call cannot succeed");
}

describe("socket and name lookup failures of a Cosmos DB call", () => {
  test.each(["ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ENETDOWN"])(
    "%s is retried within the request's budget, then answered 503 (never a 500)",
    async (code) => {
      expect(await outcome(code)).toBe("unavailable");
    },
  );

  test("an error that is no network failure (a bug) is rethrown, for the pipeline's 500", async () => {
    expect(await outcome("ERR_INVALID_ARG_TYPE")).toBe("rethrown");
  });
});

describe("answers from a gateway in front of Cosmos DB", () => {
  /** A call that keeps failing with `error`: its outcome and how many attempts it made. */
  async function keepsFailing(error: () => unknown) {
    let attempts = 0;
    try {
      await cosmosCall(callContext(150), async () => {
        attempts++;
        throw error();
      });
    } catch (thrown) {
      return { thrown, attempts };
    }
    throw new Error("the call cannot succeed");
  }

  test.each([502, 504])("a %i is retried within the request's budget, then answered 503", async (code) => {
    const { thrown, attempts } = await keepsFailing(() =>
      Object.assign(new Error("Bad gateway"), { code, headers: {} }),
    );
    expect(thrown).toBeInstanceOf(ScimError);
    expect((thrown as ScimError).status).toBe(503);
    expect(attempts).toBeGreaterThan(1);
  });

  test("a body that is not JSON (the SDK's SyntaxError) is retried, then answered 503", async () => {
    const { thrown, attempts } = await keepsFailing(() => {
      try {
        return JSON.parse("<html><body><h1>502 Bad Gateway</h1></body></html>");
      } catch (error) {
        return error;
      }
    });
    expect(thrown).toBeInstanceOf(ScimError);
    expect((thrown as ScimError).status).toBe(503);
    expect(attempts).toBeGreaterThan(1);
  });

  test("a retry that meets a good answer returns it, marked as retried", async () => {
    let attempts = 0;
    const result = await cosmosCall(callContext(5000), async () => {
      if (attempts++ === 0) throw new SyntaxError("Unexpected token '<'");
      return "document";
    });
    expect(result).toEqual({ ok: true, value: "document", retried: true });
  });
});

describe("Cosmos DB's own transient statuses", () => {
  // The statuses the README's 503 row names; 500 among them, which Microsoft documents as transient
  // for the gateway.
  test.each([408, 410, 449, 500, 503])(
    "a %i is retried within the request's budget, then answered 503",
    async (code) => {
      let attempts = 0;
      const thrown = await cosmosCall(callContext(150), async () => {
        attempts++;
        throw Object.assign(new Error(`Status ${code}`), { code, headers: {} });
      }).catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(ScimError);
      expect((thrown as ScimError).status).toBe(503);
      expect((thrown as ScimError).headers["Retry-After"]).toBeDefined();
      expect(attempts).toBeGreaterThan(1);
    },
  );
});

describe("a tenant's logical partition at Cosmos DB's 20 GB", () => {
  // What the SDK throws for it: the status as `code`, the x-ms-substatus header as `substatus`
  // (RequestHandler in @azure/cosmos 4.9.3); the embedded server has no such limit.
  const partitionFull = () =>
    Object.assign(new Error("Partition key reached maximum size of 20 GB"), {
      code: 403,
      substatus: 1014,
      headers: { "x-ms-substatus": "1014", "x-ms-request-charge": "1.5" },
    });

  test("a write refused as over the partition's storage is 507 naming the limit, not retried", async () => {
    let attempts = 0;
    const ctx = callContext(5000);
    const thrown = await cosmosCall(ctx, async () => {
      attempts++;
      throw partitionFull();
    }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(ScimError);
    expect((thrown as ScimError).status).toBe(507);
    expect((thrown as ScimError).detail).toContain("20 GB");
    expect(attempts).toBe(1);
    expect(ctx.meter.requestCharge).toBe(1.5);
  });

  test("any other 403 (a role assignment missing, substatus 5301) stays a fault for the pipeline's 500", async () => {
    const forbidden = Object.assign(new Error("Request blocked by Auth"), { code: 403, substatus: 5301 });
    const thrown = await cosmosCall(callContext(5000), async () => {
      throw forbidden;
    }).catch((error: unknown) => error);
    expect(thrown).toBe(forbidden);
  });
});
