/**
 * What KMS must allow for CloudWatch Logs: the key-policy statement that lets Logs encrypt one log group.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { keyEnvironment, KeyStatementEnvironment } from '../kms/environment';

/** Identifiers of a CloudWatch Logs log group, for its key-policy statements. */
export interface LogGroupKeyStatementProps extends KeyStatementEnvironment {
  /** ARN of the log group (without the trailing `:*`): the value of the `aws:logs:arn` encryption context. */
  readonly logGroupArn: string;
}

/**
 * `logs.<region>.amazonaws.com` may use the key only for this log group (`aws:logs:arn` context).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function logGroupStatement(props: LogGroupKeyStatementProps): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'CloudWatchLogs',
    principals: [new iam.ServicePrincipal(`logs.${keyEnvironment(props).region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': props.logGroupArn } },
  });
}
