export * from './data-source';
export * from './outbox/outbox-message';
export * from './outbox/outbox.repository';
export * from './repositories/ticket-intake.repository';
export * from './outbox/internal-job';
export * from './repositories/directory.repository';
export * from './repositories/ticket.repository';
export * from './repositories/directory-cache';
