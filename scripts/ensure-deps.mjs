// Runs before `npm run demo` and `npm test` (npm pre-scripts), so both work on a fresh clone:
// installs npm packages when node_modules is missing or older than package-lock.json.
// Plain JavaScript with no dependencies, because it runs before any are installed.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const marker = "node_modules/.package-lock.json";
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync("package-lock.json").mtimeMs;
if (stale) {
  console.log("Installing npm packages (npm install)…");
  // Not `npm ci`: the lock lacks other platforms' optional DuckDB bindings, which npm ci refuses.
  execSync("npm install --no-audit --no-fund", { stdio: "inherit" });
}
