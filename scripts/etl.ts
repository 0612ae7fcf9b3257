/**
 * `npm run etl -- <command>` from a checkout (tsx, no build needed): the very module the installed
 * `campus-etl` bin runs compiled. See `npm run etl -- --help`.
 */
import "../lib/cli/bin.js";
