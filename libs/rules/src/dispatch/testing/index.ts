export { makeTicket } from './ticket.factory';
export {
  seededRandom,
  vocabulary,
  generateLargeDirectory,
  generateTickets,
  LARGE_DIRECTORY_DEFAULTS,
  type LargeDirectoryOptions,
} from './directory.generator';
