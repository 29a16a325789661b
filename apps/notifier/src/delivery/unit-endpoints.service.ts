import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubConfig, checkUnitEndpointForm } from '@hub/common';
import { activeDirectoryId, unitEndpoints } from '@hub/store';

/** A unit's system as the notifier may reach it: its base URL, or why it is refused. */
export type UnitEndpoint = { url: string } | { refused: string };

/**
 * Base URLs of units' own systems (docs/contracts.md#unit-systems), from the active directory.
 * Re-read when the active version changes, checked at most every few seconds. Each is checked again
 * here (a directory imported before the check existed, or written around the import): a refused
 * one fails for good with the reason, for the operators; the address is judged at connection time.
 */
@Injectable()
export class UnitEndpoints {
  private versionId: number | null = null;
  private endpoints = new Map<string, UnitEndpoint>();
  private checkedAt = 0;

  constructor(
    private readonly ds: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async endpointOf(unitCode: string): Promise<UnitEndpoint | undefined> {
    if (Date.now() - this.checkedAt > 5_000) await this.refresh();
    return this.endpoints.get(unitCode);
  }

  async refresh(): Promise<void> {
    this.checkedAt = Date.now();
    const id = (await activeDirectoryId(this.ds)) ?? null;
    if (id === this.versionId) return;
    const units = id === null ? [] : await unitEndpoints(this.ds, id);
    this.endpoints = new Map(
      units.map((u) => {
        const refused = checkUnitEndpointForm(u.endpoint, this.config.unitEndpoints);
        return [u.code, refused === undefined ? { url: u.endpoint.replace(/\/+$/, '') } : { refused }];
      }),
    );
    this.versionId = id;
  }
}
