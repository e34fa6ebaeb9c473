import { format } from "node:util";
import type { InvocationContext } from "@azure/functions";
import { expect, test } from "vitest";
import { startLocalHost } from "../../../shared/local/local-host.js";

test("a function's log line is what the worker writes: util.format of the arguments, an error's stack and properties included", async () => {
  const error = Object.assign(new Error("boom"), { code: 503, headers: { "x-ms-activity-id": "a1" } });
  const logged: { level: string; message: string }[] = [];
  const host = await startLocalHost({
    registrations: [
      {
        name: "logs",
        methods: ["GET"],
        route: "logs",
        handler: (_request: unknown, context: unknown) => {
          (context as InvocationContext).error("Unexpected error in invocation x", error);
          (context as InvocationContext).log("counts", { calls: 2 }, 3);
          return { status: 204 };
        },
      },
    ],
    routePrefix: "",
    port: 0,
    log: (level, message) => logged.push({ level, message }),
  });
  try {
    expect((await fetch(`${host.url}/logs`)).status).toBe(204);
  } finally {
    await host.close();
  }
  expect(logged).toEqual([
    { level: "error", message: format("Unexpected error in invocation x", error) },
    { level: "information", message: "counts { calls: 2 } 3" },
  ]);
  expect(logged[0]?.message).toContain("at ");
  expect(logged[0]?.message).toContain("x-ms-activity-id");
});
