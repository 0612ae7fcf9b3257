import { loadConfig, type Config } from "../config.js";

/**
 * The Functions host's settings, parsed once per process. Its own module, light on imports: the
 * entry files call it at start (to fail naming a bad setting) without loading the app behind it.
 */
let config: Config | undefined;

export function hostConfig(): Config {
  config ??= loadConfig();
  return config;
}
