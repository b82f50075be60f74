export * from './encrypted-connection';
export * from './api-destination-target-options';
