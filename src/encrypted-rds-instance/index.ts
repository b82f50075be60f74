export * from './encrypted-rds-instance';
export * from './props';
