export * from './encrypted-rds-cluster';
export * from './props';
