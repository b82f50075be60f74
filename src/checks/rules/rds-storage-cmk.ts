import { NagRuleCompliance } from 'cdk-nag';
import { CmkRule, complianceOf, namesCustomerManagedKey } from '../rule';

/**
 * An RDS DB instance or cluster encrypts its storage with a customer managed key: `StorageEncrypted` and `KmsKeyId`
 * (without `KmsKeyId` RDS uses the AWS managed key `aws/rds`; with it, CloudFormation requires `StorageEncrypted`
 * too). Not checked: a DB instance of a cluster (the cluster's storage), and a read replica of an instance or cluster
 * (RDS encrypts a replica in the source's region with the source's key).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (KmsKeyId, StorageEncrypted)
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html (KmsKeyId)
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-kmskeyid
 */
export const RDSStorageCMK: CmkRule = {
  id: 'RDSStorageCMK',
  resourceTypes: ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'],
  info: 'The RDS DB instance or cluster does not encrypt its storage with a customer managed KMS key (StorageEncrypted and KmsKeyId).',
  explanation: 'Without StorageEncrypted the database, its backups and snapshots are not encrypted; with it but without KmsKeyId, RDS uses the AWS managed key aws/rds, whose policy you cannot change.',
  fix: 'Set StorageEncrypted to true and KmsKeyId to a customer managed key whose policy lets principals use it only through RDS (kms:ViaService rds.<region>.amazonaws.com) and create grants only for AWS resources.',
  fixedBy: 'EncryptedRdsInstance, EncryptedRdsCluster',
  docs: [
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html',
    'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html',
  ],
  check: ({ type, properties: p }) => {
    if (type === 'AWS::RDS::DBInstance' && (p.DBClusterIdentifier !== undefined || p.SourceDBInstanceIdentifier !== undefined || p.SourceDBClusterIdentifier !== undefined)) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    return complianceOf(p.StorageEncrypted === true && namesCustomerManagedKey(p.KmsKeyId));
  },
};
