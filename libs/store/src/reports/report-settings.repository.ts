/** The assessment weights by version, and the stored report snapshots (docs/reports.md). */
import { DEFAULT_ASSESSMENT_WEIGHTS, type AssessmentWeights } from '@hub/rules/reports';
import { queryRows, type Queryable } from '../db';

export interface WeightsVersion {
  /** 0: the defaults, never set */
  version: number;
  weights: AssessmentWeights;
  effectiveAt: string | null;
  setBy: string | null;
}

/** The weights in force at `asOf` (the latest version set by then). */
export async function assessmentWeightsAt(db: Queryable, asOf: Date): Promise<WeightsVersion> {
  const rows = await queryRows<{ version: number; weights: AssessmentWeights; effective_at: Date; set_by: string }>(
    db,
    `SELECT version, weights, effective_at, set_by FROM assessment_settings WHERE effective_at <= $1 ORDER BY effective_at DESC, version DESC LIMIT 1`,
    [asOf],
  );
  const r = rows[0];
  if (!r) return { version: 0, weights: DEFAULT_ASSESSMENT_WEIGHTS, effectiveAt: null, setBy: null };
  return { version: r.version, weights: { ...DEFAULT_ASSESSMENT_WEIGHTS, ...r.weights }, effectiveAt: r.effective_at.toISOString(), setBy: r.set_by };
}

/** A new version, in force from now; earlier versions stay for reports about earlier moments. */
export async function saveAssessmentWeights(db: Queryable, weights: AssessmentWeights, by: string): Promise<WeightsVersion> {
  const rows = await queryRows<{ version: number; effective_at: Date }>(
    db,
    `INSERT INTO assessment_settings (weights, set_by) VALUES ($1::jsonb, $2) RETURNING version, effective_at`,
    [JSON.stringify(weights), by],
  );
  return { version: rows[0]!.version, weights, effectiveAt: rows[0]!.effective_at.toISOString(), setBy: by };
}

export type SnapshotKind = 'quarter' | 'half' | 'year' | 'assessment';

export interface SnapshotMeta {
  id: string;
  kind: SnapshotKind;
  period: string;
  asOf: string;
  weightsVersion: number;
  sha256: string;
  createdAt: string;
}

const META = `id::text AS id, kind, period, as_of AS "asOf", weights_version AS "weightsVersion", sha256, created_at AS "createdAt"`;
type MetaRow = Omit<SnapshotMeta, 'asOf' | 'createdAt'> & { asOf: Date; createdAt: Date };
const meta = (r: MetaRow): SnapshotMeta => ({ ...r, asOf: r.asOf.toISOString(), createdAt: r.createdAt.toISOString() });

/** Stores a snapshot unless one of that kind and period exists; either way answers the stored one. */
export async function insertSnapshot(db: Queryable, s: { kind: SnapshotKind; period: string; asOf: Date; weightsVersion: number; json: string; xlsx: Buffer; sha256: string }): Promise<{ created: boolean; snapshot: SnapshotMeta }> {
  const ins = await queryRows<MetaRow>(
    db,
    `INSERT INTO report_snapshots (kind, period, as_of, weights_version, json, xlsx, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (kind, period) DO NOTHING RETURNING ${META}`,
    [s.kind, s.period, s.asOf, s.weightsVersion, s.json, s.xlsx, s.sha256],
  );
  if (ins[0]) return { created: true, snapshot: meta(ins[0]) };
  const old = await queryRows<MetaRow>(db, `SELECT ${META} FROM report_snapshots WHERE kind = $1 AND period = $2`, [s.kind, s.period]);
  return { created: false, snapshot: meta(old[0]!) };
}

export async function snapshotExists(db: Queryable, kind: SnapshotKind, period: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(db, `SELECT 1 AS one FROM report_snapshots WHERE kind = $1 AND period = $2`, [kind, period]);
  return rows.length > 0;
}

export async function listSnapshots(db: Queryable, limit: number): Promise<SnapshotMeta[]> {
  const rows = await queryRows<MetaRow>(db, `SELECT ${META} FROM report_snapshots ORDER BY created_at DESC, id DESC LIMIT $1`, [limit]);
  return rows.map(meta);
}

export async function snapshotContent(db: Queryable, id: string, what: 'json' | 'xlsx'): Promise<string | Buffer | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const rows = await queryRows<{ c: string | Buffer }>(db, `SELECT ${what === 'json' ? 'json' : 'xlsx'} AS c FROM report_snapshots WHERE id = $1`, [id]);
  return rows[0]?.c ?? null;
}
