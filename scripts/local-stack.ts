/**
 * `npm run local-stack`: the local stack the demo and the tests use (Azurite + a MongoDB-wire
 * server), kept running until Ctrl-C, with the environment to point the CLI at it:
 *   eval "$(npm run -s local-stack | grep ^export)"   # in another shell, while it runs
 */
import { startLocalStack, stackEnv } from "./local-stack/index.js";

const stack = await startLocalStack();
console.log(`# MongoDB: ${stack.mongoKind}; Azure Storage: Azurite. Ctrl-C stops both.`);
for (const [name, value] of Object.entries(stackEnv(stack))) console.log(`export ${name}='${value}'`);
const stop = () => void stack.stop().then(() => process.exit(0));
// Ctrl-C reaches the servers too (one process group): give them a moment to exit on their own, so
// they are not signalled twice; stop() then ends whatever still runs.
process.once("SIGINT", () => setTimeout(stop, 1000));
process.once("SIGTERM", stop);
setInterval(() => undefined, 1 << 30); // keep the process alive until a signal
