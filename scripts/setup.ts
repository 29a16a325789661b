import { readFileSync } from 'node:fs';
import { checkUnitEndpoint, configOrExit, createLogger } from '@hub/common';
import { activeDirectory, createDataSource, importDirectory, migrate } from '@hub/store';

/**
 * The run command's first step: create the database if needed, apply migrations, and import
 * HUB_DIRECTORY_FILE when no directory is active yet.
 */
async function main(): Promise<void> {
  const config = configOrExit('setup');
  const log = createLogger('setup', config.logLevel);
  const applied = await migrate(config.databaseUrl);
  log.info({ applied }, applied.length ? 'migrations applied' : 'database schema up to date');
  if (!config.directoryFile) {
    log.warn('HUB_DIRECTORY_FILE not set: no directory imported; tickets wait in the dispute queue until one is active');
    return;
  }
  const ds = createDataSource({ url: config.databaseUrl, poolSize: 2, appName: 'hub-setup' });
  await ds.initialize();
  try {
    const active = await activeDirectory(ds);
    if (active) {
      log.info({ id: active.id, version: active.document.version }, 'a directory is already active; HUB_DIRECTORY_FILE not imported');
      return;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(config.directoryFile, 'utf8'));
    } catch (e) {
      console.error(`HUB_DIRECTORY_FILE: cannot read ${config.directoryFile}: ${(e as Error).message}`);
      process.exit(78);
    }
    const checkEndpoint = async (url: string): Promise<string | undefined> => {
      const v = await checkUnitEndpoint(url, config.unitEndpoints);
      return v.ok ? undefined : `${v.reason} (HUB_UNIT_ENDPOINTS_ALLOW, docs/security.md)`;
    };
    const r = await importDirectory(ds, doc, 'setup:HUB_DIRECTORY_FILE', true, { checkEndpoint });
    if (!r.ok) {
      console.error(`HUB_DIRECTORY_FILE: ${config.directoryFile} rejected:\n${r.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
      process.exit(78);
    }
    log.info({ id: r.info.id, version: r.info.version }, 'directory imported and activated');
  } finally {
    await ds.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
