export * from './encrypted-rds-instance';
