/**
 * The CDK context key that sets the audit-trail choice for a whole app: `"account"` (default: one trail per account for
 * the whole app), `"none"` (no trail and no alert), or a trail ARN (an existing or organization trail records the
 * calls; every stack still alerts on tampering with its keys). `"stack"` is the former name of `"account"`.
 */
export const AUDIT_TRAIL_CONTEXT_KEY = 'cdk-encrypted-constructs:auditTrail';

/**
 * The KMS API calls that change who can use a key or whether it works, watched by the key-tampering alert. Tag calls
 * count: a key policy may authorize by tag (`aws:ResourceTag`, attribute-based access control), and an EventBridge
 * connection's key stops working for Secrets Manager when its `EventBridgeApiDestinations` tag is removed.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/abac.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
 */
export const KEY_TAMPERING_EVENT_NAMES = [
  'CancelKeyDeletion',
  'DeleteAlias',
  'DeleteImportedKeyMaterial',
  'DisableKey',
  'DisableKeyRotation',
  'PutKeyPolicy',
  'ReplicateKey',
  'ScheduleKeyDeletion',
  'TagResource',
  'UntagResource',
  'UpdateAlias',
];

/**
 * The grant calls, watched only when no AWS service made them (services create and retire grants routinely for the
 * resources a key protects).
 */
export const GRANT_EVENT_NAMES = ['CreateGrant', 'RetireGrant', 'RevokeGrant'];
