/**
 * Bench child: imports every compiled Functions entry file, as the host's worker does at start,
 * and prints the milliseconds it took (wall and CPU); with `--telemetry`, then also starts App Insights the way the
 * first invocation does (APPLICATIONINSIGHTS_CONNECTION_STRING must be set). Args: <dist dir>.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dist = resolve(process.argv[2]!);
const telemetry = process.argv.includes("--telemetry");
const entries = readdirSync(join(dist, "functions")).filter((f) => f.endsWith(".js"));
const t0 = performance.now();
const cpu0 = process.cpuUsage();
for (const entry of entries) await import(pathToFileURL(join(dist, "functions", entry)).href);
const imported = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
let started = 0;
if (telemetry) {
  const t1 = performance.now();
  const { hostConfig } = await import(pathToFileURL(join(dist, "lib/handlers/runtime.js")).href);
  const { startTelemetry } = await import(pathToFileURL(join(dist, "lib/telemetry/index.js")).href);
  if (!(await startTelemetry(hostConfig()))) throw new Error("telemetry did not start: is APPLICATIONINSIGHTS_CONNECTION_STRING set?");
  started = performance.now() - t1;
}
console.log(JSON.stringify({ entries: entries.length, importMs: imported, importCpuMs: (cpu.user + cpu.system) / 1000, telemetryMs: started }));
process.exit(0); // an exporter's timers would keep the process alive
