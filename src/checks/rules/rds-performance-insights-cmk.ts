import { NagRuleCompliance } from 'cdk-nag';
import { CmkRule, complianceOf, namesCustomerManagedKey } from '../rule';

/**
 * Performance Insights, where it is on, encrypts its data with a customer managed key: `PerformanceInsightsKMSKeyId`
 * on a DB instance with `EnablePerformanceInsights`, `PerformanceInsightsKmsKeyId` on a DB cluster with
 * `PerformanceInsightsEnabled` (without it RDS uses the AWS managed key `aws/rds`).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.access-control.cmk-policy.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (PerformanceInsightsKMSKeyId)
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html (PerformanceInsightsKMSKeyId)
 */
export const RDSPerformanceInsightsCMK: CmkRule = {
  id: 'RDSPerformanceInsightsCMK',
  resourceTypes: ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'],
  info: 'Performance Insights of the RDS DB instance or cluster is on but does not encrypt its data with a customer managed KMS key.',
  explanation: 'Performance Insights keeps what it collects about the database (its load and the text of its SQL statements, which can carry data) encrypted with a KMS key; without its key setting, RDS uses the AWS managed key aws/rds, whose policy you cannot change.',
  fix: 'Set PerformanceInsightsKMSKeyId (DB instance) or PerformanceInsightsKmsKeyId (DB cluster) to a customer managed key, the storage key or another one.',
  fixedBy: 'EncryptedRdsInstance, EncryptedRdsCluster',
  docs: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.access-control.cmk-policy.html'],
  check: ({ type, properties: p }) => {
    const [enabled, key] = type === 'AWS::RDS::DBInstance'
      ? [p.EnablePerformanceInsights, p.PerformanceInsightsKMSKeyId]
      : [p.PerformanceInsightsEnabled, p.PerformanceInsightsKmsKeyId];
    if (enabled !== true) return NagRuleCompliance.NOT_APPLICABLE;
    return complianceOf(namesCustomerManagedKey(key));
  },
};
