export * from './props';
export * from './encrypted-archive';
export * from './rule-props';
export type { BusLogging } from './bus-logging';
export { BusLogDestination } from './bus-log-destinations';
