import { compileDirectory, type CompiledDirectory } from '@hub/rules/directory';
import type { Queryable } from '../db';
import { activeDirectory, activeDirectoryId } from './directory.repository';

export interface ActiveDirectory {
  id: number;
  compiled: CompiledDirectory;
}

/**
 * The active directory, compiled once per version. The active id is checked at most every
 * `checkEveryMs`, so an activation reaches every replica within that time.
 */
export class DirectoryCache {
  private cached?: ActiveDirectory;
  private checkedAt = 0;

  constructor(private readonly checkEveryMs = 2_000) {}

  async current(db: Queryable): Promise<ActiveDirectory | undefined> {
    if (this.cached && Date.now() - this.checkedAt < this.checkEveryMs) return this.cached;
    const id = await activeDirectoryId(db);
    this.checkedAt = Date.now();
    if (id === undefined) return (this.cached = undefined);
    if (this.cached?.id === id) return this.cached;
    const doc = await activeDirectory(db);
    if (!doc) return (this.cached = undefined);
    this.cached = { id: doc.id, compiled: compileDirectory(doc.document) };
    return this.cached;
  }

  /** The last loaded version, without asking the database. */
  peek(): ActiveDirectory | undefined {
    return this.cached;
  }

  invalidate(): void {
    this.checkedAt = 0;
  }
}
