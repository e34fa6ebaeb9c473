// `postinstall`: applies the patches in this folder (patch-package) after `npm install` / `npm ci`.
// Both patched packages and patch-package are dev dependencies: an install without them
// (`npm ci --omit=dev`, a production build) has nothing to patch, so this exits quietly then.
const { spawnSync } = require("node:child_process");
const path = require("node:path");

let bin;
try {
  bin = path.join(path.dirname(require.resolve("patch-package/package.json")), "index.js");
} catch {
  process.stdout.write("patch-package is not installed (production install): no patches to apply\n");
  process.exit(0);
}
const run = spawnSync(process.execPath, [bin, "--error-on-fail"], {
  cwd: path.join(__dirname, ".."),
  stdio: "inherit",
});
process.exit(run.status ?? 1);
