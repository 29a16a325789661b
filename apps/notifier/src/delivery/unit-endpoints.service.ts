import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

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
    const rows = (await this.ds.query(`SELECT id FROM directory_versions WHERE active`)) as Array<{ id: number }>;
    const id = rows[0]?.id ?? null;
    if (id === this.versionId) return;
    const units = (await this.ds.query(
      `SELECT u->>'code' AS code, u->>'endpoint' AS endpoint
         FROM directory_versions d, jsonb_array_elements(d.document->'units') u
        WHERE d.id = $1 AND u ? 'endpoint'`,
      [id],
    )) as Array<{ code: string; endpoint: string }>;
    this.endpoints = new Map(units.map((u) => [u.code, u.endpoint.replace(/\/+$/, '')]));
    this.versionId = id;
  }
}
