export * from './ywtb-evaluation.dto';
export * from './ywtb-suggestion.dto';
export * from './ywtb.mapper';
export * from './ywtb-status.message';
