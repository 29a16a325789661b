import { IntakeAndOutbox1764000000000 } from './1764000000000-intake-and-outbox';
import { IntakeProblems1764000001000 } from './1764000001000-intake-problems';

/** Every migration, in order. The app never uses `synchronize`. */
export const MIGRATIONS = [IntakeAndOutbox1764000000000, IntakeProblems1764000001000];
