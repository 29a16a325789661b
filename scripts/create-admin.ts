import { configOrExit, createLogger, hashPassword, MIN_PASSWORD_LENGTH } from '@hub/common';
import { findUserByUsername, insertUser, auditAuth, updateUser } from '@hub/store';
import { createDataSource } from '@hub/store';

/**
 * Creates an administrator, or resets the password of an existing one (locked out, forgotten):
 *
 *     HUB_ADMIN_PASSWORD='…' node dist/scripts/create-admin.js [username]      (default: admin)
 *
 * The password comes from the environment, never from the command line (shell history, `ps`).
 * The gateway also creates HUB_ADMIN_USERNAME from HUB_ADMIN_PASSWORD at start when no active admin
 * exists (docs/security.md); this script is for everything after that.
 */
async function main(): Promise<void> {
  const config = configOrExit('create-admin');
  const log = createLogger('create-admin', config.logLevel);
  const username = process.argv[2] ?? process.env.HUB_ADMIN_USERNAME ?? 'admin';
  const password = process.env.HUB_ADMIN_PASSWORD ?? '';
  if (password.length < MIN_PASSWORD_LENGTH) {
    console.error(`HUB_ADMIN_PASSWORD: set it to the new password (at least ${MIN_PASSWORD_LENGTH} characters)`);
    process.exit(78);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/.test(username)) {
    console.error('username must be 3–64 characters of letters, digits and . _ @ -');
    process.exit(64);
  }
  const ds = createDataSource({ url: config.databaseUrl, poolSize: 1, appName: 'hub-create-admin' });
  await ds.initialize();
  try {
    const passwordHash = await hashPassword(password);
    const existing = await findUserByUsername(ds, username);
    if (!existing) {
      const u = await insertUser(ds, { username, passwordHash, role: 'admin', unitCode: null, createdBy: 'script:create-admin' });
      await auditAuth(ds, 'script:create-admin', 'user_created', `user:${u?.id ?? '?'}`, { username, role: 'admin' });
      log.info({ username }, 'administrator created');
    } else if (existing.role !== 'admin') {
      console.error(`${username} exists with role ${existing.role}; choose another username`);
      process.exit(65);
    } else {
      await updateUser(ds, existing.id, { active: true, passwordHash });
      await auditAuth(ds, 'script:create-admin', 'user_updated', `user:${existing.id}`, { active: true, passwordChanged: true });
      log.info({ username }, 'administrator password reset and account enabled');
    }
  } finally {
    await ds.destroy();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
