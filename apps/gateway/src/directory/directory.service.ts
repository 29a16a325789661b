import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HUB_CONFIG, HubError, ValidationFailed, checkUnitEndpoint, type HubConfig } from '@hub/common';
import { compileDirectory, type CompiledDirectory } from '@hub/rules/directory';
import { route, type RoutingDecision, type RoutingInput } from '@hub/rules/dispatch';
import { CalendarLoader, activateVersion, activeDirectoryId, directoryVersion, importDirectory, listDirectoryVersions, recentRoutedTickets } from '@hub/store';
import { recomputeOpenClocks } from '@hub/workflow/clock';
import type { DirectoryVersionInfo } from '@hub/store';
import { CompiledVersions } from './compiled-versions';

export interface UnitSummary {
  code: string;
  name: string;
  kind: string;
  level: string;
  region: string;
  regionName: string;
}

export interface ReplayChange {
  ticketId: string;
  externalId: string;
  source: string;
  state: string;
  currentUnit: string | null;
  candidate: { outcome: string; unitCode?: string; rule?: string; reason?: string };
  why: string;
}

/**
 * The directory (docs/contracts.md#directory) as the office manages it: import (validated whole, every version
 * kept), activate, and before activating, try a hypothetical ticket or replay recent tickets
 * against a candidate version to see which would change unit and why.
 */
@Injectable()
export class DirectoryService {
  private readonly compiled = new CompiledVersions();
  constructor(
    private readonly ds: DataSource,
    private readonly calendars: CalendarLoader,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async import(doc: unknown, by: string, activate: boolean): Promise<DirectoryVersionInfo> {
    // Units' endpoints: https to public addresses unless HUB_UNIT_ENDPOINTS_ALLOW says otherwise (SSRF).
    const checkEndpoint = async (url: string): Promise<string | undefined> => {
      const v = await checkUnitEndpoint(url, this.config.unitEndpoints);
      return v.ok ? undefined : v.reason;
    };
    const r = await importDirectory(this.ds, doc, by, activate, { checkEndpoint });
    if (!r.ok) {
      throw new HubError(400, 'invalid_directory', `directory rejected: ${r.errors.length} problem(s); nothing changed`, { errors: r.errors });
    }
    if (activate) await this.afterActivation();
    return r.info;
  }

  list(): Promise<DirectoryVersionInfo[]> {
    return listDirectoryVersions(this.ds);
  }

  async activate(id: number): Promise<DirectoryVersionInfo> {
    const info = await this.ds.transaction(async (tx) => {
      const exists = await directoryVersion(tx, id);
      if (!exists) throw new HubError(404, 'not_found', `directory version ${id} not found`);
      return activateVersion(tx, id);
    });
    await this.afterActivation();
    return info;
  }

  /** A new calendar may move open deadlines (docs/contracts.md#directory): recompute them and tell the sources. */
  private async afterActivation(): Promise<void> {
    await this.ds.transaction((tx) => recomputeOpenClocks(tx, this.calendars, new Date(), 'all'));
  }

  async compiledVersion(id?: number): Promise<{ id: number; dir: CompiledDirectory }> {
    let vid = id;
    if (vid === undefined) {
      vid = await activeDirectoryId(this.ds);
      if (vid === undefined) throw new HubError(409, 'no_active_directory', 'no directory is active; import one first');
    }
    let dir = this.compiled.get(vid);
    if (!dir) {
      const v = await directoryVersion(this.ds, vid);
      if (!v) throw new HubError(404, 'not_found', `directory version ${vid} not found`);
      dir = compileDirectory(v.document);
      this.compiled.set(vid, dir);
    }
    return { id: vid, dir };
  }

  /**
   * Units of the active directory whose name or code contains `q` (all when empty), for pickers
   * (an objection's suggested unit, designation): code, name, kind, level and region name.
   */
  async searchUnits(q: string, limit: number): Promise<{ items: UnitSummary[] }> {
    const { dir } = await this.compiledVersion();
    const needle = q.trim().toLowerCase();
    const items: UnitSummary[] = [];
    for (const u of dir.units.values()) {
      if (needle && !u.name.toLowerCase().includes(needle) && !u.code.toLowerCase().includes(needle)) continue;
      items.push({ code: u.code, name: u.name, kind: u.kind, level: u.level, region: u.region, regionName: dir.regions.get(u.region)?.name ?? u.region });
      if (items.length >= limit) break;
    }
    return { items };
  }

  /** Routes a hypothetical ticket: nothing is stored. */
  async tryRoute(input: RoutingInput, versionId?: number): Promise<RoutingDecision & { versionId: number }> {
    const { id, dir } = await this.compiledVersion(versionId);
    return { ...route(input, dir), versionId: id };
  }

  /**
   * Replays the last `limit` routed tickets against a candidate version and lists those whose
   * unit would change, with the rule and the reason, before the office activates it.
   */
  async replay(versionId: number, limit: number): Promise<{ versionId: number; replayed: number; changed: ReplayChange[] }> {
    const { dir } = await this.compiledVersion(versionId);
    const changed: ReplayChange[] = [];
    const tickets = await recentRoutedTickets(this.ds, limit);
    for (const t of tickets) {
      const d = route(t.ticket, dir);
      const now = d.outcome === 'unit' ? d.unitCode : null;
      if (now === t.unitCode) continue;
      const last = d.trace[d.trace.length - 1];
      changed.push({
        ticketId: t.id,
        externalId: t.externalId,
        source: t.source,
        state: t.state,
        currentUnit: t.unitCode,
        candidate: d.outcome === 'unit' ? { outcome: 'unit', unitCode: d.unitCode, rule: d.rule } : { outcome: 'dispute', reason: d.reason },
        why: last ? `${last.step}: ${last.detail}` : '',
      });
    }
    return { versionId, replayed: tickets.length, changed };
  }
}

export function parseVersionId(raw: string | undefined, path: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^[1-9][0-9]{0,9}$/.test(raw)) throw new ValidationFailed([{ path, message: 'must be a positive integer' }]);
  return Number(raw);
}
