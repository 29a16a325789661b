import type { DataSource } from 'typeorm';
import { validateDirectory, type DirectoryDocument, type DirectoryError } from '@hub/rules/directory';
import { queryRows, type Queryable } from '../db';

export interface DirectoryVersionInfo {
  id: number;
  version: string;
  active: boolean;
  importedAt: Date;
  importedBy: string;
  activatedAt: Date | null;
}

export type ImportResult = { ok: true; info: DirectoryVersionInfo } | { ok: false; errors: DirectoryError[] };

const INFO = `id, version, active, imported_at AS "importedAt", imported_by AS "importedBy", activated_at AS "activatedAt"`;

export interface ImportOptions {
  /** why a unit's endpoint may not be used (docs/security.md "Units' endpoints"), or undefined */
  checkEndpoint?: (url: string) => Promise<string | undefined>;
}

/** Every unit endpoint the check refuses, named by its path. */
async function endpointProblems(doc: unknown, check: (url: string) => Promise<string | undefined>): Promise<DirectoryError[]> {
  const units = (doc as { units?: unknown } | null)?.units;
  if (!Array.isArray(units)) return [];
  const found = await Promise.all(
    units.map(async (u: unknown, i) => {
      const endpoint = (u as { endpoint?: unknown } | null)?.endpoint;
      const why = typeof endpoint === 'string' ? await check(endpoint) : undefined;
      return why === undefined ? undefined : { path: `units[${i}].endpoint`, message: `refused: ${why}` };
    }),
  );
  return found.filter((e): e is DirectoryError => e !== undefined);
}

/**
 * Imports a directory document (docs/contracts.md#directory): validated whole first, so a rejected document
 * changes nothing; every imported version is kept; activation swaps the one active version.
 */
export async function importDirectory(ds: DataSource, doc: unknown, by: string, activate: boolean, opts: ImportOptions = {}): Promise<ImportResult> {
  const v = validateDirectory(doc);
  const refused = opts.checkEndpoint ? await endpointProblems(doc, opts.checkEndpoint) : [];
  if (!v.ok || refused.length > 0) return { ok: false, errors: [...(v.ok ? [] : v.errors), ...refused] };
  const info = await ds.transaction(async (tx) => {
    const rows = await queryRows<DirectoryVersionInfo>(tx, `INSERT INTO directory_versions (version, document, imported_by) VALUES ($1, $2::jsonb, $3) RETURNING ${INFO}`, [
      v.directory.version,
      JSON.stringify(v.directory),
      by,
    ]);
    if (activate) return activateVersion(tx, rows[0].id);
    return rows[0];
  });
  return { ok: true, info };
}

export async function activateVersion(db: Queryable, id: number): Promise<DirectoryVersionInfo> {
  await db.query(`SELECT pg_advisory_xact_lock(72012346)`);
  await db.query(`UPDATE directory_versions SET active = false WHERE active AND id <> $1`, [id]);
  const list = await queryRows<DirectoryVersionInfo>(db, `UPDATE directory_versions SET active = true, activated_at = now() WHERE id = $1 RETURNING ${INFO}`, [id]);
  if (!list[0]) throw new Error(`directory version ${id} does not exist`);
  return list[0];
}

/** The active version's id, without its document (a cache checks it before reloading). */
export async function activeDirectoryId(db: Queryable): Promise<number | undefined> {
  const rows = await queryRows<{ id: number }>(db, `SELECT id FROM directory_versions WHERE active`);
  return rows[0]?.id;
}

/** Units of a version that registered their own system (docs/contracts.md#unit-systems), with its base URL. */
export async function unitEndpoints(db: Queryable, versionId: number): Promise<Array<{ code: string; endpoint: string }>> {
  return queryRows<{ code: string; endpoint: string }>(
    db,
    `SELECT u->>'code' AS code, u->>'endpoint' AS endpoint
       FROM directory_versions d, jsonb_array_elements(d.document->'units') u
      WHERE d.id = $1 AND u ? 'endpoint'`,
    [versionId],
  );
}

/** Whether a directory is active, and whether it knows `unitCode`. */
export async function unitInActiveDirectory(db: Queryable, unitCode: string): Promise<{ hasDirectory: boolean; known: boolean }> {
  const rows = await queryRows<{ hasDirectory: boolean; known: boolean }>(
    db,
    `SELECT EXISTS (SELECT 1 FROM directory_versions WHERE active) AS "hasDirectory",
            EXISTS (SELECT 1 FROM directory_versions d, jsonb_array_elements(d.document->'units') u WHERE d.active AND u->>'code' = $1) AS known`,
    [unitCode],
  );
  return rows[0] ?? { hasDirectory: false, known: false };
}

export async function activeDirectory(db: Queryable): Promise<{ id: number; document: DirectoryDocument } | undefined> {
  const rows = await queryRows<{ id: number; document: DirectoryDocument }>(db, `SELECT id, document FROM directory_versions WHERE active`);
  return rows[0];
}

export async function directoryVersion(db: Queryable, id: number): Promise<{ id: number; document: DirectoryDocument } | undefined> {
  const rows = await queryRows<{ id: number; document: DirectoryDocument }>(db, `SELECT id, document FROM directory_versions WHERE id = $1`, [id]);
  return rows[0];
}

export async function listDirectoryVersions(db: Queryable): Promise<DirectoryVersionInfo[]> {
  return queryRows<DirectoryVersionInfo>(db, `SELECT ${INFO} FROM directory_versions ORDER BY id DESC`);
}

/** Names of units in the active directory (for the `unit` of status events). */
export async function unitNames(db: Queryable, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await queryRows<{ code: string; name: string }>(
    db,
    `SELECT u->>'code' AS code, u->>'name' AS name
       FROM directory_versions d CROSS JOIN LATERAL jsonb_array_elements(d.document->'units') u
      WHERE d.active AND u->>'code' = ANY($1::text[])`,
    [[...new Set(codes)]],
  );
  return new Map(rows.map((r) => [r.code, r.name]));
}

