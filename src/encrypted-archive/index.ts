export * from './props';
export * from './encrypted-archive';
export * from './rule-props';
