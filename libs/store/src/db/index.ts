export * from './db';
export * from './connection-lost';
