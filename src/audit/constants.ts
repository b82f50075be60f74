/**
 * The CDK context key that sets the audit-trail choice for a whole app: `"stack"` (default, one trail per stack),
 * `"none"` (no trail: e.g. an organization trail already records every KMS call), or a trail ARN (use that trail).
 */
export const AUDIT_TRAIL_CONTEXT_KEY = 'cdk-encrypted-constructs:auditTrail';

/** The KMS API calls that change who can use a key or whether it works, watched by the key-tampering alert. */
export const KEY_TAMPERING_EVENT_NAMES = [
  'CancelKeyDeletion',
  'CreateGrant',
  'DeleteAlias',
  'DeleteImportedKeyMaterial',
  'DisableKey',
  'DisableKeyRotation',
  'PutKeyPolicy',
  'ReplicateKey',
  'RetireGrant',
  'RevokeGrant',
  'ScheduleKeyDeletion',
  'UpdateAlias',
];
