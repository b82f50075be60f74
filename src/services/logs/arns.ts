/**
 * CloudWatch Logs ARN forms: a log group's ARN as the `aws:logs:arn` encryption context holds it.
 */
import { ArnFormat } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { formatArn } from '../../internal/arns';

/**
 * ARN of a log group from its (deterministic) name, without the trailing `:*`: the `aws:logs:arn` context value,
 * `arn:<partition>:logs:<region>:<account>:log-group:<name>`.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html#amazoncloudwatchlogs-resources-for-iam-policies
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function logGroupArn(scope: IConstruct, logGroupName: string): string {
  return formatArn(scope, { service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}
