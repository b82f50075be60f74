/**
 * What CloudWatch Logs requires of the resources that receive vended logs (the "V2" delivery sources, delivery
 * destinations and deliveries): the resource-policy statements that let the log delivery service write to a log group
 * or an S3 bucket, and the tag a Firehose stream must carry.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { keyEnvironment, KeyStatementEnvironment } from '../kms/environment';

/** The service principal that delivers vended logs to their destinations. */
export const LOG_DELIVERY_PRINCIPAL = 'delivery.logs.amazonaws.com';

/**
 * The `aws:SourceArn` form CloudWatch Logs documents for the log delivery service's writes (and the bus-key context
 * EventBridge documents): any CloudWatch Logs resource of the account in the region, `arn:<partition>:logs:<region>:<account>:*`.
 * Which ARN the service presents (the delivery source's, the delivery's) is not documented, so the statements do not
 * narrow it further.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-CloudWatchLogs.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-S3.html ("For aws:SourceArn,
 *      specify the list of ARNs of the resource that generates the logs, in the form arn:aws:logs:source-region:source-account-id:*")
 */
export function logDeliverySourceArnPattern(props: KeyStatementEnvironment): string {
  const e = keyEnvironment(props);
  return `arn:${e.partition}:logs:${e.region}:${e.account}:*`;
}

/** The conditions every documented log-delivery statement carries: this account, CloudWatch Logs of this region. */
function fromThisAccount(props: KeyStatementEnvironment): { [operator: string]: { [key: string]: string } } {
  return {
    StringEquals: { 'aws:SourceAccount': keyEnvironment(props).account },
    ArnLike: { 'aws:SourceArn': logDeliverySourceArnPattern(props) },
  };
}

/** A log group that receives vended logs. */
export interface LogDeliveryWriteProps extends KeyStatementEnvironment {
  /** ARN of the log group, without the trailing `:*`. */
  readonly logGroupArn: string;
  /** The statement id. @default 'AWSLogDeliveryWrite' (the documented one) */
  readonly sid?: string;
}

/**
 * `delivery.logs.amazonaws.com` may create log streams in this log group and put log events into them, only on behalf
 * of this account (`aws:SourceAccount`) and of CloudWatch Logs' delivery sources in this region (`aws:SourceArn`
 * `arn:<partition>:logs:<region>:<account>:*`): the statement CloudWatch Logs documents (and creates itself when the
 * caller may put resource policies) for "Logs sent to CloudWatch Logs".
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-CloudWatchLogs.html
 */
export function logDeliveryWriteStatement(props: LogDeliveryWriteProps): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: props.sid ?? 'AWSLogDeliveryWrite',
    principals: [new iam.ServicePrincipal(LOG_DELIVERY_PRINCIPAL)],
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [`${props.logGroupArn}:log-stream:*`],
    conditions: fromThisAccount(props),
  });
}

/** An S3 bucket that receives vended logs. */
export interface BucketLogDeliveryProps extends KeyStatementEnvironment {
  /** ARN of the bucket, `arn:<partition>:s3:::<name>`. */
  readonly bucketArn: string;
  /** The statement ids' prefix. @default 'AWSLogDelivery' (the documented `AWSLogDeliveryWrite` and `AWSLogDeliveryAclCheck`) */
  readonly sidPrefix?: string;
}

/**
 * The bucket policy CloudWatch Logs documents for "Logs sent to Amazon S3" with the V2 (delivery source, destination,
 * delivery) resources, only on behalf of this account and of CloudWatch Logs in this region:
 *
 * - `delivery.logs.amazonaws.com` may put objects under `AWSLogs/<account>/`, only with the `bucket-owner-full-control` ACL;
 * - it may read the bucket's ACL and list the bucket: the page's `AWSLogDeliveryAclCheck` with `s3:ListBucket` added, as
 *   its note advises ("you must grant the s3:ListBucket permission to delivery.logs.amazonaws.com and you must include
 *   the Condition parameters shown with the s3:GetBucketAcl permission"), without which CloudTrail records AccessDenied.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-S3.html
 */
export function bucketLogDeliveryStatements(props: BucketLogDeliveryProps): iam.PolicyStatement[] {
  const e = keyEnvironment(props);
  const conditions = fromThisAccount(props);
  const prefix = props.sidPrefix ?? 'AWSLogDelivery';
  const principals = [new iam.ServicePrincipal(LOG_DELIVERY_PRINCIPAL)];
  return [
    new iam.PolicyStatement({
      sid: `${prefix}Write`,
      principals,
      actions: ['s3:PutObject'],
      resources: [`${props.bucketArn}/AWSLogs/${e.account}/*`],
      conditions: { ...conditions, StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...conditions.StringEquals } },
    }),
    new iam.PolicyStatement({
      sid: `${prefix}AclCheck`,
      principals,
      actions: ['s3:GetBucketAcl', 's3:ListBucket'],
      resources: [props.bucketArn],
      conditions,
    }),
  ];
}

/**
 * The tag the log delivery service's service-linked role (`AWSServiceRoleForLogDelivery`) requires on a Firehose
 * stream before it puts records on it: its policy allows `firehose:PutRecord`, `firehose:PutRecordBatch` and
 * `firehose:ListTagsForDeliveryStream` only on streams tagged `LogDeliveryEnabled` = `true`. "AWS gives this tag to
 * the destination delivery stream when you set up the logging"; a stream defined in CloudFormation carries it in its
 * template too, so that a later update of the stream's tags does not remove it.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-Firehose.html
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSServiceRoleForLogDeliveryPolicy.html
 */
export const FIREHOSE_LOG_DELIVERY_TAG = { key: 'LogDeliveryEnabled', value: 'true' } as const;

/**
 * The service-linked role the log delivery service puts records on Firehose streams with (CloudWatch Logs creates it
 * when the first delivery to Firehose is set up; the deployer needs `iam:CreateServiceLinkedRole` for that).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-Firehose.html
 */
export const LOG_DELIVERY_SERVICE_LINKED_ROLE = 'AWSServiceRoleForLogDelivery';
