import { NagRuleCompliance } from 'cdk-nag';
import { CmkRule, complianceOf, namesCustomerManagedKey } from '../rule';

/**
 * An RDS DB instance or cluster with a master password keeps it in a secret that RDS manages
 * (`ManageMasterUserPassword`) on a customer managed key (`MasterUserSecret.KmsKeyId`; without it Secrets Manager uses
 * the AWS managed key `aws/secretsmanager`). A password given in the template (`MasterUserPassword`, also as a
 * dynamic reference to a secret, as aws-cdk-lib's generated credentials are) does not comply: it is not in an
 * RDS-managed secret. Not checked: a DB instance of a cluster, and a resource with no master password (a replica, a
 * restore).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (MasterUserSecretKmsKeyId)
 */
export const RDSMasterSecretCMK: CmkRule = {
  id: 'RDSMasterSecretCMK',
  resourceTypes: ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'],
  info: 'The RDS DB instance or cluster does not keep its master password in an RDS-managed secret on a customer managed KMS key (ManageMasterUserPassword and MasterUserSecret.KmsKeyId).',
  explanation: 'The master password opens the whole database. In a secret RDS manages, it is generated and rotated without anyone seeing it; without MasterUserSecret.KmsKeyId that secret is encrypted with the AWS managed key aws/secretsmanager, whose policy lets any principal of the account use it through Secrets Manager: who may read the password is then decided by IAM policies alone.',
  fix: 'Remove MasterUserPassword, set ManageMasterUserPassword to true and MasterUserSecret.KmsKeyId to a customer managed key whose policy lets principals use it only through Secrets Manager.',
  fixedBy: 'EncryptedRdsInstance, EncryptedRdsCluster',
  docs: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html'],
  check: ({ type, properties: p }) => {
    if (type === 'AWS::RDS::DBInstance' && p.DBClusterIdentifier !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
    if (p.ManageMasterUserPassword === undefined && p.MasterUserPassword === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    return complianceOf(p.ManageMasterUserPassword === true && namesCustomerManagedKey(p.MasterUserSecret?.KmsKeyId));
  },
};
