/**
 * What Secrets Manager puts in the encryption context of its KMS requests. Imports nothing, so the verifier's Lambda
 * bundle may use it too.
 */

/**
 * The value of `kms:EncryptionContext:SecretVersionId` in the requests with which Secrets Manager checks that its
 * caller may use a key ("the SecretVersionId value is RequestToValidateKeyAccess"): such a request decrypts nothing a
 * secret holds.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-encryption-context
 */
export const SECRETS_MANAGER_KEY_CHECK = 'RequestToValidateKeyAccess';
