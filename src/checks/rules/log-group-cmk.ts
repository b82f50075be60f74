import { NagRuleCompliance } from 'cdk-nag';
import { PATTERNS } from '../patterns';
import { CmkRule, complianceOf, namesCustomerManagedKey } from '../rule';
import { arnReferences, TemplateResource, TemplateView } from '../template';

/**
 * Whether a log group is one the pack's resources write to: its name is one RDS exports to (`/aws/rds/instance/...`,
 * `/aws/rds/cluster/...`), or an EventBridge rule delivers to it (a target's `Arn`) or a pipe logs to it
 * (`LogConfiguration.CloudwatchLogsLogDestination.LogGroupArn`), naming its ARN with `Fn::GetAtt` or a `Ref` inside
 * `Fn::Join`. Other log groups of the template (a function's, a trail's) are not this pack's: they are left to the
 * general packs.
 */
export function isServiceLogGroup(logGroup: TemplateResource, template: TemplateView): boolean {
  const name = logGroup.properties.LogGroupName;
  if (typeof name === 'string' && PATTERNS.ec_rds_log_group_name.test(name)) return true;
  const ruleTargets = template.ofType('AWS::Events::Rule').flatMap(r => [r.properties.Targets ?? []].flat().map((t: any) => t?.Arn));
  const pipeLogs = template.ofType('AWS::Pipes::Pipe').map(p => p.properties.LogConfiguration?.CloudwatchLogsLogDestination?.LogGroupArn);
  return [...ruleTargets, ...pipeLogs].some(arn => arnReferences(arn).includes(logGroup.logicalId));
}

/**
 * The log groups RDS exports to, and those EventBridge rules and pipes deliver to, are encrypted with a customer
 * managed key (`KmsKeyId`). RDS creates a missing export log group itself, without a key and kept forever: create it
 * in the template first.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.MySQLDB.PublishtoCloudWatchLogs.html
 */
export const LogGroupCMK: CmkRule = {
  id: 'LogGroupCMK',
  resourceTypes: ['AWS::Logs::LogGroup'],
  info: 'The log group, which an RDS database exports to or an EventBridge rule or pipe delivers to, is not encrypted with a customer managed KMS key (KmsKeyId).',
  explanation: 'Database logs and delivered events carry the data their resources encrypt with a customer managed key; without KmsKeyId CloudWatch Logs encrypts them with a key of its own, outside your key policy, and the data outlives the key that protected it at the source.',
  fix: 'Set KmsKeyId to a customer managed key whose policy lets logs.<region>.amazonaws.com use it for this log group only (kms:EncryptionContext:aws:logs:arn). For RDS, create the log group before the database (RDS otherwise creates it without a key).',
  fixedBy: 'EncryptedRdsInstance, EncryptedRdsCluster (their exported log groups)',
  docs: [
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.MySQLDB.PublishtoCloudWatchLogs.html',
  ],
  check: (resource, template) => {
    if (!isServiceLogGroup(resource, template)) return NagRuleCompliance.NOT_APPLICABLE;
    return complianceOf(namesCustomerManagedKey(resource.properties.KmsKeyId));
  },
};
