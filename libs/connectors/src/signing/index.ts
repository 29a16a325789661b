export * from './key-ring.config';
export * from './nonce.store';
export * from './redis-nonce.store';
export * from './signature.util';
export * from './unit-keys.util';
