import { ConfigError, HubConfig, loadConfig } from '../config';

/** Loads the configuration or stops the process with a message naming the bad variable. */
export function configOrExit(app: string): HubConfig {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(JSON.stringify({ level: 'fatal', app, msg: `configuration error: ${e.message}`, variable: e.variable }));
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
}
