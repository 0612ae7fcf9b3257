import { Option, type Command } from "commander";
import type { CliSession } from "../context.js";
import { collectionOption, jsonOption, type CommonFlags } from "../options.js";

interface CheckFlags extends CommonFlags {
  egressEcho?: string[];
}

/**
 * `etl check [--collection X] [--json]`: MongoDB reachable and readable, the cursors' indexes present,
 * each container, table and queue reachable with the right permission, egress IP, telemetry. One
 * line per check; exit code by the worst: 0 ok, 1 warn, 2 fail. Never creates storage.
 */
export function registerCheck(parent: Command, session: CliSession): void {
  parent
    .command("check")
    .description("test connections, permissions, indexes, egress IP and telemetry (exit 0 ok, 1 warn, 2 fail)")
    .addOption(collectionOption())
    .addOption(jsonOption())
    // Echo services to ask for the outbound IP (tests point it at a local server).
    .addOption(new Option("--egress-echo <url>").argParser((v: string, prev?: string[]) => [...(prev ?? []), v]).hideHelp())
    .action(async (flags: CheckFlags) => {
      const [{ runChecks, formatCheckReport, checkExitCode }, { createStorageClients }, { getMongoClient }] = await Promise.all([
        import("../../ops/index.js"),
        import("../../storage/clients.js"),
        import("../../extract/mongo-client.js"),
      ]);
      const config = session.config();
      const report = await runChecks(
        { config, storage: createStorageClients(config), db: async () => (await getMongoClient(config)).db(config.mongo.database), env: session.io.env },
        { collections: flags.collection, egress: flags.egressEcho ? { services: flags.egressEcho.map((url) => ({ url, format: "text" as const })) } : undefined },
      );
      session.io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatCheckReport(report));
      session.exitCode = checkExitCode(report);
    });
}
