import { ConfigError, HubConfig, loadConfig } from '../config';
import { withLocalSecrets } from '../secrets';

/** The configuration of a running app: the environment, and outside production the generated secrets file. */
export function runtimeConfig(env: Record<string, string | undefined> = process.env): HubConfig {
  return loadConfig(withLocalSecrets(env));
}

/** Loads the configuration or stops the process with a message naming the bad variable. */
export function configOrExit(app: string): HubConfig {
  try {
    return runtimeConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(JSON.stringify({ level: 'fatal', app, msg: `configuration error: ${e.message}`, variable: e.variable }));
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
}
