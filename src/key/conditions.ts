/**
 * The encryption-context key the verifier uses for its own round-trip test.
 *
 * The verifier's IAM and key-policy permissions only allow GenerateDataKey and Decrypt when this is the ONLY key in
 * the request's encryption context, so the verifier can never decrypt data that a service encrypted.
 */
export const VERIFICATION_CONTEXT_KEY = 'cdk-encrypted-constructs:verification';

/**
 * The value of `kms:EncryptionContext:SecretVersionId` in the requests with which Secrets Manager checks that its
 * caller may use a key ("the SecretVersionId value is RequestToValidateKeyAccess"): such a request decrypts nothing a
 * secret holds.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-encryption-context
 */
export const SECRETS_MANAGER_KEY_CHECK = 'RequestToValidateKeyAccess';

/** The tag EventBridge requires on a key that protects a connection's secret. */
export const API_DESTINATIONS_TAG_KEY = 'EventBridgeApiDestinations';

/** The actions that administer a key without using it for cryptography (strict mode's root statement). */
export const KEY_ADMINISTRATION_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** The conditions that confine a principal to the verifier's own encryption context. */
export function verifierContextConditions(): Record<string, Record<string, unknown>> {
  return {
    'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [VERIFICATION_CONTEXT_KEY] },
    'Null': { [`kms:EncryptionContext:${VERIFICATION_CONTEXT_KEY}`]: 'false' },
  };
}
