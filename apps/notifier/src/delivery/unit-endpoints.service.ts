import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { activeDirectoryId, unitEndpoints } from '@hub/store';

/**
 * Base URLs of units' own systems (contracts §6), from the active directory. Re-read when the
 * active version changes, checked at most every few seconds.
 */
@Injectable()
export class UnitEndpoints {
  private versionId: number | null = null;
  private endpoints = new Map<string, string>();
  private checkedAt = 0;

  constructor(private readonly ds: DataSource) {}

  async endpointOf(unitCode: string): Promise<string | undefined> {
    if (Date.now() - this.checkedAt > 5_000) await this.refresh();
    return this.endpoints.get(unitCode);
  }

  async refresh(): Promise<void> {
    this.checkedAt = Date.now();
    const id = (await activeDirectoryId(this.ds)) ?? null;
    if (id === this.versionId) return;
    const units = id === null ? [] : await unitEndpoints(this.ds, id);
    this.endpoints = new Map(units.map((u) => [u.code, u.endpoint.replace(/\/+$/, '')]));
    this.versionId = id;
  }
}
