export * from './props';
export * from './encrypted-archive';
export type { BusLogging } from './bus-logging';
