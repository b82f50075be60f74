export * from './props';
export * from './api-destination-options';
export * from './encrypted-connection';
export * from './api-destination-target-options';
