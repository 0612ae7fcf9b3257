export { runCli } from "./main.js";
export { BIN_NAME } from "./program.js";
export { processIo, exitCodes, type CliIo } from "./io.js";
