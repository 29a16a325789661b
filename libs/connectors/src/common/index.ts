export * from './id-number.validator';
export * from './wire-format.validator';
export * from './wire-format.decorators';
export * from './validate-body.util';
export * from './content-hash.util';
export * from './shared.dto';
export * from './canonical-parts.util';
export * from './status-event.types';
