export * from './delivery-result.types';
export * from './retry-after.util';
export * from './target-url.util';
export * from './signed-http.transport';
export * from './classify-exchange.util';
export * from './signed-sender';
