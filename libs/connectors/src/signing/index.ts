export * from './key-ring.config';
export * from './nonce.store';
export * from './redis-nonce.store';
export * from './signature.util';
