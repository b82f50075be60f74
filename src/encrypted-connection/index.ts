export * from './encrypted-connection';
