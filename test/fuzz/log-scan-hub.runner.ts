/**
 * The whole hub (gateway, router, notifier) in a child process, for the log scan
 * (test/integration/security-logs.test.ts): its stdout is exactly what the apps log, through the
 * same pino formatter as in production. Configuration comes from the environment the test passes;
 * the gateway's URL is written to HUB_URL_FILE once it listens.
 */
import { writeFileSync } from 'node:fs';
import { startHub, testConfig } from '../support/harness';

async function main(): Promise<void> {
  const hub = await startHub(testConfig({ ...process.env, PORT: '0', ROUTER_PORT: '0', NOTIFIER_PORT: '0' }));
  writeFileSync(process.env.HUB_URL_FILE ?? '/dev/null', hub.url);
  const stop = (): void => {
    void hub.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
