/**
 * What CloudWatch Logs requires of a log group that receives vended logs (the "V2" delivery sources, delivery
 * destinations and deliveries): the resource-policy statement that lets the log delivery service write to it.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { keyEnvironment, KeyStatementEnvironment } from '../kms/environment';

/** A log group that receives vended logs. */
export interface LogDeliveryWriteProps extends KeyStatementEnvironment {
  /** ARN of the log group, without the trailing `:*`. */
  readonly logGroupArn: string;
}

/**
 * `delivery.logs.amazonaws.com` may create log streams in this log group and put log events into them, only on behalf
 * of this account (`aws:SourceAccount`) and of CloudWatch Logs' delivery sources in this region (`aws:SourceArn`
 * `arn:<partition>:logs:<region>:<account>:*`): the statement CloudWatch Logs documents (and creates itself when the
 * caller may put resource policies) for "Logs sent to CloudWatch Logs". The documented `aws:SourceArn` is the wildcard
 * form; which ARN the service presents (the delivery source's, the delivery's) is not documented, so the statement does
 * not narrow it further.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-CloudWatchLogs.html
 */
export function logDeliveryWriteStatement(props: LogDeliveryWriteProps): iam.PolicyStatement {
  const e = keyEnvironment(props);
  return new iam.PolicyStatement({
    sid: 'AWSLogDeliveryWrite',
    principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [`${props.logGroupArn}:log-stream:*`],
    conditions: {
      StringEquals: { 'aws:SourceAccount': e.account },
      ArnLike: { 'aws:SourceArn': `arn:${e.partition}:logs:${e.region}:${e.account}:*` },
    },
  });
}
