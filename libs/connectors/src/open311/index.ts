export * from './open311.types';
export * from './open311.errors';
export * from './open311.encoder';
export * from './open311.status';
export * from './open311.services';
export * from './open311-form';
export * from './open311.mapper';
export * from './open311.presenter';
