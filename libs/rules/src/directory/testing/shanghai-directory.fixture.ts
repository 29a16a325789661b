import type { CompiledDirectory } from '../compiled-directory.types';
import { compileDirectory } from '../directory.compiler';
import type { DirectoryDocument } from '../directory.types';
import shanghai from './shanghai-directory.json';

/**
 * A fresh deep copy of the Shanghai example directory (a verbatim copy of
 * the repository's data/shanghai-directory.json), safe for a test to mutate.
 */
export function shanghaiDocument(): DirectoryDocument {
  return structuredClone(shanghai) as DirectoryDocument;
}

export function shanghaiDirectory(): CompiledDirectory {
  return compileDirectory(shanghaiDocument());
}
