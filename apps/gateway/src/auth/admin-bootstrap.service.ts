import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubConfig, hashPassword } from '@hub/common';
import { activeAdminCount, auditAuth, insertUser } from '@hub/store';

/**
 * A fresh installation needs one administrator to create the others: when HUB_ADMIN_PASSWORD is
 * set and no active admin exists, the gateway creates HUB_ADMIN_USERNAME (default `admin`) at
 * start. Idempotent across replicas (unique username); never touches an existing account.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    private readonly ds: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const boot = this.config.security.adminBootstrap;
    if (!boot) return;
    if ((await activeAdminCount(this.ds)) > 0) return;
    const created = await insertUser(this.ds, { username: boot.username, passwordHash: await hashPassword(boot.password), role: 'admin', unitCode: null, createdBy: 'bootstrap:HUB_ADMIN_PASSWORD' });
    if (created) {
      await auditAuth(this.ds, 'bootstrap', 'user_created', `user:${created.id}`, { username: created.username, role: 'admin' });
      this.logger.warn({ username: created.username }, 'no administrator existed: created one from HUB_ADMIN_PASSWORD; change its password and unset the variable');
    } else {
      this.logger.error({ username: boot.username }, 'HUB_ADMIN_USERNAME exists but is not an active admin; no administrator created');
    }
  }
}
