export * from './props';
export * from './encrypted-archive';
