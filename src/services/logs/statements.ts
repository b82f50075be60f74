/**
 * What KMS must allow for CloudWatch Logs: the key-policy statement that lets Logs encrypt one log group, and the one
 * that lets the log delivery service write vended logs to an S3 bucket encrypted with the key.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { LOG_DELIVERY_PRINCIPAL, logDeliverySourceArnPattern } from './delivery';
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

/**
 * `delivery.logs.amazonaws.com` may generate data keys with the key of an S3 bucket (SSE-KMS) it delivers vended logs
 * to, only on behalf of this account and of CloudWatch Logs in this region: the key-policy statement CloudWatch Logs
 * documents for a bucket encrypted with a customer managed key ("Amazon S3 bucket server-side encryption"; an AWS
 * managed key is not supported there, its policy cannot be changed).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-S3.html
 */
export function bucketLogDeliveryKeyStatement(props: KeyStatementEnvironment): iam.PolicyStatement {
  const e = keyEnvironment(props);
  return new iam.PolicyStatement({
    sid: 'LogDeliveryToBucket',
    principals: [new iam.ServicePrincipal(LOG_DELIVERY_PRINCIPAL)],
    actions: ['kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'aws:SourceAccount': e.account },
      ArnLike: { 'aws:SourceArn': logDeliverySourceArnPattern(e) },
    },
  });
}
