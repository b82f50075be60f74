/**
 * The encryption-context key the verifier uses for its own round-trip test.
 *
 * The verifier's IAM and key-policy permissions only allow GenerateDataKey and Decrypt when this is the ONLY key in
 * the request's encryption context, so the verifier can never decrypt data that a service encrypted.
 */
export const VERIFICATION_CONTEXT_KEY = 'cdk-encrypted-constructs:verification';

/** The conditions that confine a principal to the verifier's own encryption context. */
export function verifierContextConditions(): Record<string, Record<string, unknown>> {
  return {
    'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [VERIFICATION_CONTEXT_KEY] },
    'Null': { [`kms:EncryptionContext:${VERIFICATION_CONTEXT_KEY}`]: 'false' },
  };
}
