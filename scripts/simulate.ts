import { parseArgs } from "node:util";
import { closeMongoClients } from "../lib/extract/mongo-client.js";
import { describeFailure, generateSchedule, runSchedule } from "../test/simulation/run-schedule.js";
import { parseSchedule } from "../test/simulation/schedule.js";
import { startLocalStack } from "./local-stack/index.js";

/**
 * `npm run simulate -- [--schedules N] [--seed S] [--events E] [--replay '<schedule JSON>']`: runs
 * N seeded fault schedules (`--verbose` prints every trace) against the real local stack and prints `N schedules, V violations`
 * (a violation is a schedule after which some document is not exactly once in the lake); each
 * failing schedule is printed with its trace and the command that replays it.
 */
const { values } = parseArgs({
  options: {
    schedules: { type: "string", default: "50" },
    seed: { type: "string", default: "1" },
    events: { type: "string", default: "10" },
    replay: { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});

const stack = await startLocalStack();
console.log(`[local stack] MongoDB: ${stack.mongoKind}; Azure Storage: Azurite`);
let violations = 0;
let ran = 0;
const started = Date.now();
try {
  const schedules = values.replay
    ? [parseSchedule(values.replay)]
    : Array.from({ length: Number(values.schedules) }, (_, i) => generateSchedule(Number(values.seed) + i, Number(values.events)));
  for (const schedule of schedules) {
    const result = await runSchedule(stack, schedule);
    ran++;
    if (result.violations.length > 0) {
      violations++;
      console.log(describeFailure(result));
    } else if (values.replay || values.verbose) {
      console.log(`seed ${schedule.seed}: ok`);
      console.log(result.trace.join("\n"));
    }
    if (ran % 10 === 0) console.log(`… ${ran} schedules, ${violations} violations (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
} finally {
  await closeMongoClients();
  await stack.stop();
}
console.log(`${ran} schedules, ${violations} violations`);
process.exit(violations > 0 ? 1 : 0);
