import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeEach, nagResourceText } from '../internal/acknowledgements';
import { stackEnvironment } from '../internal/arns';
import { namedResourceRemovalPolicy } from '../internal/removal-policies';
import { EncryptionKey } from '../key/encryption-key';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { logGroupArn } from '../services/logs/arns';

/** What the trail's storage is made of. */
export interface TrailStorageOptions {
  /** The trail's own key: it encrypts the log files and the log group. */
  readonly key: EncryptionKey;
  /** The trail's name, which the log group's name ends with. */
  readonly trailName: string;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention?: logs.RetentionDays;
  readonly multiRegion: boolean;
}

/** Where the trail delivers: its log bucket (and that bucket's access-log bucket), its log group and the role that writes to it. */
export interface TrailStorage {
  readonly accessLogsBucket: s3.Bucket;
  readonly bucket: s3.Bucket;
  readonly logGroup: logs.LogGroup;
  readonly logsRole: iam.Role;
  readonly logsPolicy: iam.ManagedPolicy;
}

/**
 * The trail's log bucket (public access blocked, TLS only, versioned, SSE-KMS with the trail's key, server access
 * logging to a bucket of its own), the encrypted CloudWatch log group, and the role CloudTrail delivers to it with.
 */
export function createTrailStorage(scope: Construct, options: TrailStorageOptions): TrailStorage {
  const { key, trailName, removalPolicy } = options;
  const accessLogsBucket = new s3.Bucket(scope, 'AccessLogs', { ...logBucketDefaults(removalPolicy), encryption: s3.BucketEncryption.S3_MANAGED });
  acknowledgeEach(accessLogsBucket, {
    'AwsSolutions-S1': 'This bucket is the server-access-log destination of the trail bucket; logging it would log its own log writes without end.',
    'HIPAA.Security-S3BucketLoggingEnabled': 'Server-access-log destination of the trail bucket; logging it would recurse.',
    'NIST.800.53.R5-S3BucketLoggingEnabled': 'Server-access-log destination of the trail bucket; logging it would recurse.',
    'PCI.DSS.321-S3BucketLoggingEnabled': 'Server-access-log destination of the trail bucket; logging it would recurse.',
    's3_bucket_logging_enabled_check': 'Server-access-log destination of the trail bucket; logging it would recurse.',
    'HIPAA.Security-S3DefaultEncryptionKMS': 'S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES-256), not SSE-KMS.',
    'NIST.800.53.R5-S3DefaultEncryptionKMS': 'S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES-256), not SSE-KMS.',
    'PCI.DSS.321-S3DefaultEncryptionKMS': 'S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES-256), not SSE-KMS.',
    's3_bucket_default_encryption_kms_check': 'S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES-256), not SSE-KMS.',
  });

  const bucket = new s3.Bucket(scope, 'Bucket', {
    ...logBucketDefaults(removalPolicy),
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
  });
  // Server access logging through a bucket policy (no ACLs): CDK's serverAccessLogsBucket would add an ACL grant.
  (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
    destinationBucketName: accessLogsBucket.bucketName,
    logFilePrefix: 'trail-bucket/',
  };
  accessLogsBucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'S3ServerAccessLogsPolicy',
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [accessLogsBucket.arnForObjects('trail-bucket/*')],
    conditions: { ArnLike: { 'aws:SourceArn': bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
  }));
  for (const logBucket of [bucket, accessLogsBucket]) {
    // Object events (e.g. a deleted log file) reach EventBridge natively, without CDK's notifications Lambda.
    (logBucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    acknowledgeEach(logBucket, Object.fromEntries(['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map(pack => [
      `${pack}-S3BucketReplicationEnabled`,
      'Replication needs a bucket in a second region that this stack does not own; log files are integrity-protected by CloudTrail digest files, and an organization trail (AuditTrail.fromTrailArn) covers multi-region retention.',
    ])));
  }

  // A deterministic name: the key policy names the log group's ARN, which through Fn::GetAtt would be a cycle.
  const logGroupName = `/cdk-encrypted-constructs/key-audit/${trailName}`;
  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    logGroupName,
    retention: options.logRetention ?? logs.RetentionDays.ONE_YEAR,
    encryptionKey: key,
    // Named: RETAIN is RetainExceptOnCreate, or a rolled-back first deploy would leave it behind and block the retry.
    removalPolicy: namedResourceRemovalPolicy(removalPolicy),
  });
  addKeyStatements(scope, key, [KeyPolicyStatements.logGroup({ ...stackEnvironment(scope), logGroupArn: logGroupArn(scope, logGroupName) })], 'the audit trail log group');

  // CloudTrail's own CloudWatch Logs role would carry an inline policy; ours uses a customer managed policy. Its trust
  // policy is the documented one, without aws:SourceArn/aws:SourceAccount: "The role policy doesn't support the use of
  // aws:SourceArn and aws:SourceAccount."
  // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
  const logsRole = new iam.Role(scope, 'LogsRole', {
    assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com'),
    description: 'Lets CloudTrail deliver the key audit trail to CloudWatch Logs',
  });
  // CloudTrail names its streams <account>_CloudTrail_<source region> and may create several per region, so each
  // resource ends in a wildcard, as documented. A multi-region trail writes a stream per source region.
  // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-log-group-log-stream-naming-for-cloudtrail.html
  const env = stackEnvironment(scope);
  const streams = options.multiRegion ? [`${env.account}_CloudTrail_*`] : [`${env.account}_CloudTrail_${env.region}*`];
  const logsPolicy = new iam.ManagedPolicy(scope, 'LogsPolicy', {
    roles: [logsRole],
    statements: [new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: streams.map(stream => `${logGroupArn(scope, logGroupName)}:log-stream:${stream}`),
    })],
  });
  acknowledgeEach(logsPolicy, Object.fromEntries(streams.map(stream => [
    `AwsSolutions-IAM5[Resource::${nagResourceText(scope, `${logGroupArn(scope, logGroupName)}:log-stream:${stream}`)}]`,
    'CloudTrail names its log streams <account>_CloudTrail_<source region> and may create several per region: the documented policy ends the stream name in a wildcard, within this one log group.',
  ])));
  return { accessLogsBucket, bucket, logGroup, logsRole, logsPolicy };
}

function logBucketDefaults(removalPolicy: RemovalPolicy): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: true,
    objectLockEnabled: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{
      id: 'ArchiveOldLogs',
      abortIncompleteMultipartUploadAfter: Duration.days(7),
      transitions: [{ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) }],
      noncurrentVersionTransitions: [{ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(30) }],
    }],
    removalPolicy,
  };
}
