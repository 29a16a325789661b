export * from './period';
export * from './figures';
export * from './assessment';
export * from './rankings';
export * from './schedule';
export * from './columns';
