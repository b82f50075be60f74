export { EncryptedConstructsChecks } from './encrypted-constructs-checks';
