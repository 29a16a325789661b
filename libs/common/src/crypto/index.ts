export * from './data-cipher';
export * from './search-hash';
export * from './data-protection';
export * from './citizen-view';
