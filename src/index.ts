export * from './key/encryption-key';
export * from './key/statements';
export * from './audit/key-audit-trail';
export * from './encrypted-resource';
export * from './verifier/encryption-verification';
export * from './snapshot';
export * from './encrypted-archive/encrypted-archive';
export * from './encrypted-connection';
