export * from './national-transfer.dto';
export * from './national-page.util';
export * from './national.mapper';
export * from './national.client';
export * from './national.messages';
