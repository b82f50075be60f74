/**
 * The key-policy statements that concern the key itself rather than a service using it: strict mode's
 * administration-only root statement and the deny on grants not made for AWS resources.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { accountRoot, KeyStatementEnvironment } from './environment';

/**
 * The actions that administer a key without using it for cryptography (strict mode's root statement).
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators
 */
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

/**
 * Deny `kms:CreateGrant` to every principal unless the grant is for an AWS resource or the caller is an AWS service
 * (AWS Control Tower control CT.KMS.PR.3).
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
 */
export function denyGrantsExceptForAwsResourcesStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
    },
  });
}

/** Strict mode: the account root and `administrators` may administer the key but not use it for cryptography. */
export function administrationOnlyStatement(administrators: iam.IPrincipal[] | undefined, environment: KeyStatementEnvironment): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'KeyAdministrationOnly',
    principals: [accountRoot(environment), ...(administrators ?? [])],
    actions: KEY_ADMINISTRATION_ACTIONS,
    resources: ['*'],
  });
}
