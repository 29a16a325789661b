import { IntakeAndOutbox1764000000000 } from './1764000000000-intake-and-outbox';
import { IntakeProblems1764000001000 } from './1764000001000-intake-problems';
import { Clocks1764000002000 } from './1764000002000-clocks';
import { Merge1764000005000 } from './1764000005000-merge';

/** Every migration, in order. The app never uses `synchronize`. */
export const MIGRATIONS = [IntakeAndOutbox1764000000000, IntakeProblems1764000001000, Clocks1764000002000, Merge1764000005000];
