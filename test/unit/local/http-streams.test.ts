import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { startLocal } from "../../../shared/local/start-local.js";

/*
 * The local host always hands a handler its body as a stream, as Azure does only for an app that
 * enabled HTTP streams. An app that did not would read a buffered body in Azure, so `npm start`
 * refuses it rather than hide the difference. (The project's own functions enable streams: the
 * package test checks both the bundle and the unbundled files.)
 */
test("startLocal refuses an app that does not enable HTTP streams", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "scim-streams-"));
  try {
    const file = path.join(dir, "plain-function.cjs");
    writeFileSync(
      file,
      `const { app } = require(${JSON.stringify(require.resolve("@azure/functions"))});
app.http("plain", { methods: ["GET"], route: "plain", authLevel: "anonymous", handler: async () => ({ body: "x" }) });
`,
    );
    await expect(
      startLocal({ functionFiles: [file], port: 0, env: { SCIM_TOKEN: "t".repeat(32) } }),
    ).rejects.toThrow("call app.setup({ enableHttpStream: true })");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
