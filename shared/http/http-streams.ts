import { app } from "@azure/functions";

/*
 * Imported for its effect by every module that builds a handler, so that it runs before the first
 * `app.http`. Why: without HTTP streams the Functions host reads a request's whole body (up to its
 * FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, 100 MB by default) and passes it to the worker before a
 * handler runs; with them the handler gets the body as a stream, so a refused credential or an
 * over-long body is answered without the body ever being held in memory (read-body.ts reads at
 * most the limit). Buffered mode also has an open report of a chunked request body (no
 * Content-Length) reaching a JavaScript function empty (azure-functions-nodejs-worker#524); a
 * stream carries it as sent. Microsoft also recommends streams for HTTP performance.
 * Needs Functions host 4.28 or later (Core Tools 4.0.5530 or later); `app.setup` throws on an
 * older host. With streams on, a handler that throws leaves the response unsent
 * (azure-functions-nodejs-library#324): both handler factories (scimHandler, tokenHandler) catch
 * everything and answer 500.
 */
app.setup({ enableHttpStream: true });
