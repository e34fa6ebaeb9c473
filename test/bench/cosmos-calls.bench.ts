import { EMULATOR_KEY, startEmbeddedCosmos } from "../../shared/local/embedded-cosmos.js";
import { createServices } from "../../shared/services.js";
import { countCosmosCalls } from "../support/cosmos-calls.js";
import type { Bench } from "./bench-context.js";

/**
 * Cosmos DB calls per SCIM operation, counted at the SDK boundary (not estimated): what the cost
 * model in the README multiplies by the request units of each call.
 */
const bench: Bench = async ({ log }) => {
  const cosmos = await startEmbeddedCosmos();
  try {
    const services = await createServices({
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: EMULATOR_KEY,
      COSMOS_DATABASE: "calls",
      SCIM_TOKEN: "x".repeat(32),
    });
    const rows = await countCosmosCalls(services);
    for (const row of rows) log(`${row.operation}: ${row.calls}`);
    const table = [
      "| SCIM operation | Cosmos DB calls | Target | |",
      "| --- | ---: | ---: | --- |",
      ...rows.map(
        (r) =>
          `| ${r.operation.replaceAll("|", "\\|")} | ${r.calls} | ${r.target === undefined ? "" : `≤ ${r.target}`} | ${r.target === undefined ? "" : r.calls <= r.target ? "met" : "**not met**"} |`,
      ),
    ];
    return {
      title: "Cosmos DB calls per SCIM operation",
      markdown: [
        "Counted at the SDK boundary (each point read, query page, write, patch or batch the stores send), on the embedded server, one operation at a time in a tenant of its own. A query that Cosmos DB answers in several pages counts each page. A member add or remove costs the same in a group of 10 and in one of 1,000 (`npm test` checks both the targets and that equality). The embedded server reports no request charge, so RU are not shown here: in Azure each request logs its own (README, Observe).",
        "",
        ...table,
      ].join("\n"),
    };
  } finally {
    await cosmos.close();
  }
};

export default bench;
