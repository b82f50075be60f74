/**
 * What KMS must allow for CloudTrail: the key-policy statements that let one trail encrypt its log files.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { accountTrailsArnPattern } from './arns';
import { keyEnvironment, KeyStatementEnvironment } from '../kms/environment';

/** Identifiers of a CloudTrail trail, for its key-policy statements. */
export interface TrailKeyStatementProps extends KeyStatementEnvironment {
  /** ARN of the trail: the value of `aws:SourceArn` and of the `aws:cloudtrail:arn` encryption context. */
  readonly trailArn: string;
}

/**
 * `cloudtrail.amazonaws.com` may generate data keys for this trail's log files, describe the key, and decrypt
 * (required when the trail bucket uses an S3 Bucket Key), only on behalf of this trail.
 *
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 */
export function cloudTrailStatements(props: TrailKeyStatementProps): iam.PolicyStatement[] {
  const e = keyEnvironment(props);
  const principal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
  const source = { 'aws:SourceArn': props.trailArn, 'aws:SourceAccount': e.account };
  return [
    new iam.PolicyStatement({
      sid: 'CloudTrailEncryptLogs',
      principals: [principal],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: source,
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': accountTrailsArnPattern(e.partition, e.account) },
      },
    }),
    new iam.PolicyStatement({
      sid: 'CloudTrailDescribeKey',
      principals: [principal],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: source },
    }),
    // "If you are using an existing S3 bucket with an S3 Bucket Key, kms:Decrypt permissions are required to create or
    // update a trail with SSE-KMS encryption enabled." The library's trail bucket uses a bucket key.
    new iam.PolicyStatement({
      sid: 'CloudTrailBucketKeyDecrypt',
      principals: [principal],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: source },
    }),
  ];
}
