export * from './encrypted-schedule';
export * from './props';
