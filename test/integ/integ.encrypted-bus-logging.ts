/**
 * Acceptance test: EncryptedArchive's bus logging. A rule on each bus delivers to a queue that does not exist, so every
 * matching event fails delivery; at level ERROR the bus logs the failure, the record travels encrypted with the bus key
 * (the bus-log statements the construct adds to it), and the log delivery service writes it to the destination:
 *
 * - the first bus's log group, which is encrypted with the stack's dead-letter key (never the bus key);
 * - the second bus's S3 bucket (`BusLogDestination.bucket`), SSE-KMS with a key of its own: the log objects must arrive
 *   under `AWSLogs/<account>/`, encrypted with that key (the bucket policy and key statement the construct adds).
 *
 * Settles the known limits "Bus logging: which level writes which log type" (an ERROR record arrives through the
 * ERROR_LOGS delivery), "the documented conditions, no narrower" (the statements as documented let it through) and
 * "Bus logs to S3: the documented statements" (the bucket policy and the key statement suffice).
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DISPOSABLE_KEY, inlineFunction, IntegAppOptions, integTest, POLL, runWhenMain, throwawayStack } from './integ-support';
import { AuditTrail, BusLogDestination, EncryptedArchive, EncryptedArchiveProps, EncryptionKey } from '../../src';
import { SharedAlarmTopic } from '../../src/stack/alarm-topic';

/** The source of the events put on the bus. */
export const BUS_LOGGING_SOURCE = 'integ.cdk-encrypted-constructs.bus-logging';

/**
 * Puts one custom event on the bus (its rule cannot deliver it), then looks in the bus's log group for failure
 * records. Answers what PutEvents said and which message types the group holds (never record bodies: at
 * IncludeDetail NONE they hold no payload, but the answer is logged by the assertion provider).
 */
const PROBE_CODE = `
const { EventBridgeClient, PutEventsCommand } = require('@aws-sdk/client-eventbridge');
const { CloudWatchLogsClient, FilterLogEventsCommand } = require('@aws-sdk/client-cloudwatch-logs');
const events = new EventBridgeClient({});
const logs = new CloudWatchLogsClient({});
exports.handler = async () => {
  const put = await events.send(new PutEventsCommand({ Entries: [{
    EventBusName: process.env.EVENT_BUS_NAME,
    Source: process.env.SOURCE,
    DetailType: 'IntegBusLogging',
    Detail: JSON.stringify({ at: new Date().toISOString() }),
  }] }));
  const found = await logs.send(new FilterLogEventsCommand({ logGroupName: process.env.LOG_GROUP_NAME, filterPattern: '"INVOCATION"', limit: 50 }));
  const types = new Set();
  for (const e of found.events || []) {
    const match = /"message_type"\\s*:\\s*"([A-Z_]+)"/.exec(e.message || '');
    if (match) types.add(match[1]);
  }
  return {
    putFailedEntryCount: put.FailedEntryCount,
    failureLogged: types.has('INVOCATION_FAILURE') || types.has('INVOCATION_ATTEMPT_PERMANENT_FAILURE'),
    messageTypes: [...types].sort(),
  };
};
`;

/**
 * Puts one custom event on the bus (its rule cannot deliver it), then looks for log objects under `AWSLogs/` of the
 * bucket and reads the encryption of the first (HeadObject: metadata, never the record).
 */
const BUCKET_PROBE_CODE = `
const { EventBridgeClient, PutEventsCommand } = require('@aws-sdk/client-eventbridge');
const { S3Client, ListObjectsV2Command, HeadObjectCommand } = require('@aws-sdk/client-s3');
const events = new EventBridgeClient({});
const s3 = new S3Client({});
exports.handler = async () => {
  const put = await events.send(new PutEventsCommand({ Entries: [{
    EventBusName: process.env.EVENT_BUS_NAME,
    Source: process.env.SOURCE,
    DetailType: 'IntegBusLogging',
    Detail: JSON.stringify({ at: new Date().toISOString() }),
  }] }));
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: process.env.BUCKET_NAME, Prefix: 'AWSLogs/' + process.env.ACCOUNT + '/', MaxKeys: 10 }));
  const first = (listed.Contents || [])[0];
  const head = first ? await s3.send(new HeadObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: first.Key })) : undefined;
  return {
    putFailedEntryCount: put.FailedEntryCount,
    logObjectFound: first !== undefined,
    serverSideEncryption: head && head.ServerSideEncryption,
    encryptedWithBucketKey: head !== undefined && head.SSEKMSKeyId === process.env.KEY_ARN,
  };
};
`;

/** An archive whose bus logs at ERROR, with a rule (`<prefix>Undeliverable`) that cannot deliver (a target that cannot exist). */
function undeliverableArchive(scope: Construct, id: string, logging: EncryptedArchiveProps['logging'], prefix = id): EncryptedArchive {
  const archive = new EncryptedArchive(scope, id, {
    retention: Duration.days(1),
    removalPolicy: RemovalPolicy.DESTROY,
    keyOptions: DISPOSABLE_KEY,
    auditTrail: AuditTrail.none(),
    logging,
  });
  // A target that cannot exist: every delivery fails, and EventBridge does not retry a missing resource.
  const missing = sqs.Queue.fromQueueArn(scope, `${prefix}MissingQueue`, Stack.of(scope).formatArn({ service: 'sqs', resource: 'cdk-encrypted-constructs-integ-missing-queue' }));
  new events.Rule(scope, `${prefix}Undeliverable`, {
    eventBus: archive.eventBus,
    eventPattern: { source: [BUS_LOGGING_SOURCE] },
    // no retry, and a minute at most: the failure is permanent at once
    targets: [new targets.SqsQueue(missing, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
  });
  return archive;
}

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = throwawayStack(app, 'IntegEncryptedBusLogging', options);
  const archive = undeliverableArchive(stack, 'Orders', { level: events.Level.ERROR }, '');

  const logGroupName = archive.logGroup!.logGroupName;
  const probe = inlineFunction(stack, 'BusLoggingProbe', PROBE_CODE, {
    EVENT_BUS_NAME: archive.eventBusName,
    SOURCE: BUS_LOGGING_SOURCE,
    LOG_GROUP_NAME: logGroupName,
  });
  archive.eventBus.grantPutEventsTo(probe);
  // reading an encrypted log group takes no key permission: CloudWatch Logs decrypts with its own (the key statement)
  archive.logGroup!.grant(probe, 'logs:FilterLogEvents');

  // the second bus logs to an S3 bucket on a key of its own
  const bucketKey = new EncryptionKey(stack, 'LogBucketKey', { protects: 'the bus logs in the integ bucket', ...DISPOSABLE_KEY });
  const bucket = new s3.Bucket(stack, 'LogBucket', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: bucketKey,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
  });
  const payments = undeliverableArchive(stack, 'Payments', { level: events.Level.ERROR, destination: BusLogDestination.bucket(bucket) });
  const bucketProbe = inlineFunction(stack, 'BucketLoggingProbe', BUCKET_PROBE_CODE, {
    EVENT_BUS_NAME: payments.eventBusName,
    SOURCE: BUS_LOGGING_SOURCE,
    BUCKET_NAME: bucket.bucketName,
    ACCOUNT: stack.account,
    KEY_ARN: bucketKey.keyArn,
  });
  payments.eventBus.grantPutEventsTo(bucketProbe);
  bucketProbe.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
  bucketProbe.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('AWSLogs/*')] }));
  // S3's HeadObject page asks KMS permissions only for directory buckets; granted through S3 anyway, so that a failure
  // is the log objects', never the probe's own permissions
  bucketProbe.addToRolePolicy(new iam.PolicyStatement({
    actions: ['kms:Decrypt'], resources: [bucketKey.keyArn], conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
  }));

  const integ = integTest(app, 'EncryptedBusLoggingTest', stack);
  // the log group names the stack's dead-letter key, not the bus key
  integ.assertions.awsApiCall('CloudWatchLogs', 'describeLogGroups', { logGroupNamePrefix: logGroupName })
    .expect(ExpectedResult.objectLike({ logGroups: [Match.objectLike({ logGroupName, kmsKeyId: SharedAlarmTopic.keyOf(stack).keyArn })] }));
  // Each attempt puts a new event; delivery of bus logs is best effort and takes minutes.
  integ.assertions.invokeFunction({ functionName: probe.functionName })
    .expect(ExpectedResult.objectLike({ Payload: Match.serializedJson(Match.objectLike({ putFailedEntryCount: 0, failureLogged: true })) }))
    .waitForAssertions(POLL);
  // the log objects are in the bucket, encrypted with the bucket's key (SSE-KMS), not the bus key
  integ.assertions.invokeFunction({ functionName: bucketProbe.functionName })
    .expect(ExpectedResult.objectLike({
      Payload: Match.serializedJson(Match.objectLike({ putFailedEntryCount: 0, logObjectFound: true, serverSideEncryption: 'aws:kms', encryptedWithBucketKey: true })),
    }))
    .waitForAssertions(POLL);
  return integ;
}

runWhenMain(module, build);
