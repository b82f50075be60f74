/**
 * Every KMS key of the world: administration by the deployer, the grant guard (CT.KMS.PR.3), strict mode, and
 * strangers.
 */
import { delegatesToIam, pathsFor } from './common';
import { DOCS } from './docs';
import { AccessPath, Catalog, subjectOf } from './types';

export const keyCatalog: Catalog = (world, principals) => {
  const out: AccessPath[] = [];
  for (const key of world.ofType('AWS::KMS::Key')) {
    const path = pathsFor(subjectOf(key));
    const keyArn = world.attribute(key, 'Arn');
    out.push(
      path('deploy', 'the deploying role may replace the key policy (KMS lockout safety check, later updates)', principals.deployer, 'kms:PutKeyPolicy', keyArn, 'Allowed', DOCS.kmsLockoutSafetyCheck),
      path('deploy', 'the deploying role may schedule the key\'s deletion when its stack deletes it', principals.deployer, 'kms:ScheduleKeyDeletion', keyArn, 'Allowed', DOCS.kmsDefaultPolicyRoot),
      path('negative', 'nobody may create a grant that is not for an AWS resource', principals.otherAdmin, 'kms:CreateGrant', keyArn, 'Denied', DOCS.controlTowerKmsGrants,
        { 'kms:GrantIsForAWSResource': 'false' }),
      path('negative', 'a role of another account may not use the key', principals.outsider, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsCrossAccount),
      path('negative', 'a role of another account may not administer the key', principals.outsider, 'kms:PutKeyPolicy', keyArn, 'Denied', DOCS.kmsCrossAccount),
    );
    if (delegatesToIam(world, key)) {
      out.push(path('runtime', 'IAM policies of the account may grant the use of the key (default key policy)', principals.otherAdmin, 'kms:Decrypt', keyArn, 'Allowed', DOCS.kmsDefaultPolicyRoot));
    } else {
      out.push(
        path('negative', 'strict mode: an administrator of the account may not decrypt with the key', principals.otherAdmin, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsStrictMode),
        path('negative', 'strict mode: an administrator of the account may not encrypt with the key', principals.otherAdmin, 'kms:Encrypt', keyArn, 'Denied', DOCS.kmsStrictMode),
        path('runtime', 'strict mode: the account may still administer the key', principals.otherAdmin, 'kms:DisableKey', keyArn, 'Allowed', DOCS.kmsStrictMode),
      );
    }
  }
  return out;
};
