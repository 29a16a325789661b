import type { CompiledDirectory } from '@hub/rules/directory';

/**
 * Compiled directory versions the office tries and replays, the most recently used kept (a
 * compiled Shanghai directory is a few MB; every imported version used to stay in memory for the
 * gateway's life). Versions never change once imported, so an entry is never stale.
 */
export class CompiledVersions {
  private readonly entries = new Map<number, CompiledDirectory>();

  constructor(readonly max = 4) {}

  get(id: number): CompiledDirectory | undefined {
    const dir = this.entries.get(id);
    if (dir) {
      // most recently used last: the first entry is the one to evict
      this.entries.delete(id);
      this.entries.set(id, dir);
    }
    return dir;
  }

  set(id: number, dir: CompiledDirectory): void {
    this.entries.delete(id);
    this.entries.set(id, dir);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }

  has(id: number): boolean {
    return this.entries.has(id);
  }
}
