/**
 * What KMS (and the services this library encrypts for) accept as a key: key spec and usage, region, aliases, AWS
 * managed keys. Imports nothing, so the verifier's Lambda bundle may use it too.
 */

/**
 * Keys that cannot work, whichever construct they are given to. Every service this library encrypts for
 * (EventBridge Scheduler, EventBridge, Secrets Manager, RDS) takes a symmetric encryption KMS key of its own region,
 * named by key id or key ARN; a key whose properties are visible in the app (a `kms.Key`) is also checked against
 * the deploy-time verification, which requires rotation. Values that are tokens are never rejected.
 */
export const KEY_FACTS = {
  /**
   * Symmetric encryption keys only.
   *
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-at-rest-key-cmkey.html
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Keys.html
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/symmetric-asymmetric.html (the services integrated with
   *   KMS, SQS, SNS and Kinesis among them, encrypt data with symmetric encryption keys only)
   * @see https://docs.aws.amazon.com/firehose/latest/APIReference/API_DeliveryStreamEncryptionConfigurationInput.html
   */
  keySpec: 'SYMMETRIC_DEFAULT',
  keyUsage: 'ENCRYPT_DECRYPT',
  /**
   * KMS keys are regional: a service uses keys of its own region only.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#kms_keys
   */
  regional: true,
  /**
   * An alias ARN in an IAM policy's `Resource` does not control access to the key it points to, so the statements
   * the construct writes would grant nothing; and an alias can be repointed at another key.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html
   */
  aliasArn: /^arn:[^:]+:kms:[^:]*:[^:]*:alias\//,
  /**
   * AWS managed keys (`alias/aws/<service>`): their key policy cannot be changed, so no construct statement can be
   * added, and a service uses its own AWS managed key only.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
   */
  awsManagedAlias: /(^|:)alias\/aws\//,
};
