/**
 * Acceptance test: EncryptedArchive.addRule. One event put on the encrypted bus arrives, decrypted, at each target on
 * a customer managed key: an SQS queue (received through SQS on the queue's key), an SNS topic (through a subscribed
 * queue) and a Kinesis stream (read back through Kinesis on the stream's key). Every target has a dead-letter queue on
 * a key of its own. The statements these deliveries rest on are the ones `addRule` writes: the queue and topic policies
 * naming the rule, the SQS and SNS statements on the target keys, and the rule's role for the stream.
 *
 * Known limits (EncryptedArchive) "Rule targets": the SQS key statement checks `aws:SourceArn` only when EventBridge
 * presents it, the SNS one has no condition, the role's trust checks the rule only when presented; a delivery here
 * shows that what EventBridge presents passes them.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DISPOSABLE_KEY, expectMessage, inlineFunction, IntegAppOptions, integTest, POLL, runWhenMain, subscribeProbe, throwawayStack } from './integ-support';
import { AuditTrail, EncryptedArchive, EncryptionKey } from '../../src';

/** The source of the event put on the bus, and the marker it carries. */
export const DELIVERY_SOURCE = 'integ.cdk-encrypted-constructs.delivery';
export const DELIVERY_MARKER = 'integ-encrypted-event-delivery';

/**
 * Reads the stream's records from the start of its one shard and answers whether one holds the marker (decrypted by
 * Kinesis with the function's kms:Decrypt on the stream key): never the records themselves.
 */
const STREAM_READER_CODE = `
const { KinesisClient, ListShardsCommand, GetShardIteratorCommand, GetRecordsCommand } = require('@aws-sdk/client-kinesis');
const kinesis = new KinesisClient({});
exports.handler = async () => {
  const shards = await kinesis.send(new ListShardsCommand({ StreamARN: process.env.STREAM_ARN }));
  let found = false;
  for (const shard of shards.Shards || []) {
    const iterator = await kinesis.send(new GetShardIteratorCommand({ StreamARN: process.env.STREAM_ARN, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const records = await kinesis.send(new GetRecordsCommand({ StreamARN: process.env.STREAM_ARN, ShardIterator: iterator.ShardIterator, Limit: 100 }));
    found = found || (records.Records || []).some((r) => Buffer.from(r.Data).toString('utf8').includes(process.env.MARKER));
  }
  return { found };
};
`;

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = throwawayStack(app, 'IntegEncryptedEventDelivery', options);
  const key = (id: string, protects: string) => new EncryptionKey(stack, id, { protects, ...DISPOSABLE_KEY });
  const queueKey = key('QueueKey', 'the acceptance test\'s target queue');
  const topicKey = key('TopicKey', 'the acceptance test\'s target topic');
  const streamKey = key('StreamKey', 'the acceptance test\'s target stream');
  const deadLetterKey = key('DeadLetterKey', 'the acceptance test\'s dead letters');

  const queue = new sqs.Queue(stack, 'TargetQueue', { encryptionMasterKey: queueKey, enforceSSL: true, retentionPeriod: Duration.days(1) });
  const topic = new sns.Topic(stack, 'TargetTopic', { masterKey: topicKey, enforceSSL: true });
  const stream = new kinesis.Stream(stack, 'TargetStream', { encryptionKey: streamKey, shardCount: 1, retentionPeriod: Duration.hours(24) });
  stream.applyRemovalPolicy(RemovalPolicy.DESTROY);
  const deadLetters = new sqs.Queue(stack, 'DeadLetters', { encryptionMasterKey: deadLetterKey, enforceSSL: true, retentionPeriod: Duration.days(1) });
  const topicProbe = subscribeProbe(stack, 'TopicProbe', topic);

  const archive = new EncryptedArchive(stack, 'Orders', {
    retention: Duration.days(1),
    removalPolicy: RemovalPolicy.DESTROY,
    keyOptions: DISPOSABLE_KEY,
    auditTrail: AuditTrail.none(),
  });
  archive.addRule('Delivery', {
    eventPattern: { source: [DELIVERY_SOURCE] },
    targets: [
      new targets.SqsQueue(queue, { deadLetterQueue: deadLetters }),
      new targets.SnsTopic(topic, { deadLetterQueue: deadLetters }),
      new targets.KinesisStream(stream, { deadLetterQueue: deadLetters }),
    ],
  });

  const streamReader = inlineFunction(stack, 'StreamReader', STREAM_READER_CODE, { STREAM_ARN: stream.streamArn, MARKER: DELIVERY_MARKER });
  stream.grantRead(streamReader); // with kms:Decrypt on the stream key (the key delegates to IAM)

  const integ = integTest(app, 'EncryptedEventDeliveryTest', stack);
  const put = integ.assertions.awsApiCall('EventBridge', 'putEvents', {
    Entries: [{ EventBusName: archive.eventBusName, Source: DELIVERY_SOURCE, DetailType: 'IntegDelivery', Detail: JSON.stringify({ marker: DELIVERY_MARKER }) }],
  });
  put.expect(ExpectedResult.objectLike({ FailedEntryCount: 0 }));
  const readStream = integ.assertions.invokeFunction({ functionName: streamReader.functionName });
  readStream.expect(ExpectedResult.objectLike({ Payload: Match.serializedJson(Match.objectLike({ found: true })) })).waitForAssertions(POLL);
  put
    .next(expectMessage(integ, queue, DELIVERY_MARKER, { key: queueKey }))
    .next(expectMessage(integ, topicProbe, DELIVERY_MARKER))
    .next(readStream);
  return integ;
}

runWhenMain(module, build);
