export * from './encrypted-schedule';
