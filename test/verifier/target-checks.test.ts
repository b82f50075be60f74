/**
 * The handler's checks of the resources an archive rule delivers to: SQS queues, SNS topics and Kinesis streams, each
 * read with its one read-only call against strict SDK mocks (an unconfigured call fails the test).
 */
import { DescribeStreamSummaryCommand, LimitExceededException, ResourceNotFoundException as StreamNotFound } from '@aws-sdk/client-kinesis';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { AuthorizationErrorException, GetTopicAttributesCommand, NotFoundException as TopicNotFound } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, QueueDoesNotExist } from '@aws-sdk/client-sqs';
import 'aws-sdk-client-mock-jest';
import {
  CONSTRUCT_PATH,
  healthyKey,
  healthyQueue,
  healthyStream,
  healthyTopic,
  KEY_ARN,
  KEY_ID,
  keyIdentifier,
  mocks,
  OTHER_KEY_ARN,
  QUEUE,
  QUEUE_URL,
  STREAM,
  STREAM_ARN,
  streamSummary,
  TARGET_RESOURCES,
  TOPIC,
  TOPIC_ARN,
  totalCalls,
} from './support/aws';
import { cfnEvent, properties } from './support/events';
import { endpoint, HEAD, invoke, LOG_STREAM, sleeps, useHandlerHarness } from './support/handler-harness';
import { FAKE_CREDENTIALS } from './support/transport';
import { createClients } from '../../src/verifier/handler.lambda';

const SET_QUEUE = "set the queue's KmsMasterKeyId to the key";
const SET_TOPIC = "set the topic's KmsMasterKeyId to the key";
const SET_STREAM = "set the stream's StreamEncryption to EncryptionType KMS with KeyId the key";

useHandlerHarness();

/** Runs the handler (rotation not checked) on the harness's clock, with 120 s left, and returns CloudFormation's one answer. */
function invokeOn(resources: ReadonlyArray<Record<string, unknown>>) {
  return invoke(cfnEvent('Create', endpoint.url, properties({ Resources: resources, CheckRotation: 'false' })));
}

describe('a queue, a topic and a stream on the key', () => {
  test('pass, each read with its one read-only call, the identifiers that are not the key ARN resolved with DescribeKey', async () => {
    healthyKey();
    healthyQueue();
    healthyTopic();
    healthyStream();

    const response = await invokeOn(TARGET_RESOURCES);

    expect(response.Status).toBe('SUCCESS');
    expect(response.Data).toEqual({
      KeyArn: KEY_ARN,
      ChecksPassed: '6',
      Report: `6 checks passed for ${CONSTRUCT_PATH}: key: enabled, customer managed, SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT; `
        + 'round trip: data key decrypted to the same bytes; context binding: wrong context rejected; '
        + `queue ${QUEUE_URL}: bound to the key; topic ${TOPIC_ARN}: bound to the key; stream ${STREAM_ARN}: bound to the key`,
    });
    expect(mocks.sqs).toHaveReceivedCommandWith(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL, AttributeNames: ['KmsMasterKeyId', 'SqsManagedSseEnabled'] });
    expect(mocks.sns).toHaveReceivedCommandWith(GetTopicAttributesCommand, { TopicArn: TOPIC_ARN });
    expect(mocks.kinesis).toHaveReceivedCommandWith(DescribeStreamSummaryCommand, { StreamARN: STREAM_ARN });
    expect(mocks.kms).toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: 'alias/notify' });
    expect(mocks.kms).toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: KEY_ID });
    // DescribeKey of the key and the two identifiers, GenerateDataKey, two Decrypts, one call per resource
    expect(totalCalls()).toBe(9);
  });

  test('every client the handler builds for them makes one attempt per call: the handler\'s retry loop is the only one', async () => {
    const clients = createClients({ region: 'eu-west-1', credentials: FAKE_CREDENTIALS });
    for (const client of [clients.sqs, clients.sns, clients.kinesis]) expect(await client.config.maxAttempts()).toBe(1);
  });
});

describe('a resource that does not name the key fails with the fix', () => {
  test.each<[string, Record<string, unknown>, () => void, string]>([
    ['an unencrypted queue', QUEUE, () => healthyQueue({ SqsManagedSseEnabled: 'false' }),
      `the queue ${QUEUE_URL} is not encrypted, expected key ${KEY_ARN}: ${SET_QUEUE}`],
    ['a queue on SSE-SQS', QUEUE, () => healthyQueue({ SqsManagedSseEnabled: 'true' }),
      `the queue ${QUEUE_URL} is encrypted with SSE-SQS (SQS owned keys), not with a KMS key, expected key ${KEY_ARN}: ${SET_QUEUE}`],
    ['a queue on another key', QUEUE, () => healthyQueue({ KmsMasterKeyId: OTHER_KEY_ARN, SqsManagedSseEnabled: 'false' }),
      `the queue ${QUEUE_URL} names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}: ${SET_QUEUE}`],
    ['a missing queue', QUEUE, () => mocks.sqs.on(GetQueueAttributesCommand).rejects(new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} })),
      `sqs:GetQueueAttributes on queue ${QUEUE_URL} still failed with QueueDoesNotExist after retrying for 109.7 s: the queue ${QUEUE_URL} does not exist in this account and region: `
        + 'create it before the verification runs (the verification must depend on it)'],
    ['an unencrypted topic', TOPIC, () => healthyTopic(null),
      `the topic ${TOPIC_ARN} is not encrypted (no KmsMasterKeyId), expected key ${KEY_ARN}: ${SET_TOPIC}`],
    ['a topic whose alias names another key', TOPIC, () => {
      healthyTopic('alias/other');
      keyIdentifier('alias/other', OTHER_KEY_ARN);
    }, `the topic ${TOPIC_ARN} names key alias/other (${OTHER_KEY_ARN}), expected ${KEY_ARN}: ${SET_TOPIC}`],
    ['a topic the verifier may not read', TOPIC, () => mocks.sns.on(GetTopicAttributesCommand).rejects(new AuthorizationErrorException({ message: 'not authorized', $metadata: {} })),
      `sns:GetTopicAttributes on topic ${TOPIC_ARN} still failed with AuthorizationErrorException after retrying for 109.7 s (not authorized): `
        + `let the verifier role call sns:GetTopicAttributes on the topic ${TOPIC_ARN}`],
    ['an unencrypted stream', STREAM, () => healthyStream({ EncryptionType: 'NONE' }),
      `the stream ${STREAM_ARN} is not encrypted (EncryptionType NONE), expected key ${KEY_ARN}: ${SET_STREAM}`],
    ['a stream on another key', STREAM, () => healthyStream({ EncryptionType: 'KMS', KeyId: OTHER_KEY_ARN }),
      `the stream ${STREAM_ARN} names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}: ${SET_STREAM}`],
    ['a missing stream', STREAM, () => mocks.kinesis.on(DescribeStreamSummaryCommand).rejects(new StreamNotFound({ message: 'Stream order-records not found.', $metadata: {} })),
      `kinesis:DescribeStreamSummary on stream ${STREAM_ARN} still failed with ResourceNotFoundException after retrying for 109.7 s: the stream ${STREAM_ARN} does not exist in this account and region: `
        + 'create it before the verification runs (the verification must depend on it)'],
  ])('%s', async (_, resource, setup, detail) => {
    healthyKey();
    setup();
    const response = await invokeOn([resource]);
    const label = { 'AWS::SQS::Queue': `queue ${QUEUE_URL}`, 'AWS::SNS::Topic': `topic ${TOPIC_ARN}`, 'AWS::Kinesis::Stream': `stream ${STREAM_ARN}` }[resource.Type as string];
    expect(response.Reason).toBe(`${HEAD} 1 of 4 checks failed. (1) [${label}] ${detail}${LOG_STREAM}`);
  });
});

describe('errors that pass are retried', () => {
  test.each<[string, () => void, () => number]>([
    ['QueueDoesNotExist from sqs:GetQueueAttributes (a queue created just before)', () => {
      mocks.sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL, AttributeNames: ['KmsMasterKeyId', 'SqsManagedSseEnabled'] }, true)
        .rejectsOnce(new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} })).resolves({ Attributes: { KmsMasterKeyId: KEY_ARN } });
    }, () => mocks.sqs.commandCalls(GetQueueAttributesCommand).length],
    ['NotFoundException from sns:GetTopicAttributes (a topic created just before)', () => {
      mocks.sns.on(GetTopicAttributesCommand, { TopicArn: TOPIC_ARN }, true)
        .rejectsOnce(new TopicNotFound({ message: 'Topic does not exist', $metadata: {} })).resolves({ Attributes: { KmsMasterKeyId: KEY_ARN } });
    }, () => mocks.sns.commandCalls(GetTopicAttributesCommand).length],
    ['AuthorizationErrorException from sns:GetTopicAttributes (the verifier policy just attached)', () => {
      mocks.sns.on(GetTopicAttributesCommand, { TopicArn: TOPIC_ARN }, true)
        .rejectsOnce(new AuthorizationErrorException({ message: 'not authorized', $metadata: {} })).resolves({ Attributes: { KmsMasterKeyId: KEY_ARN } });
    }, () => mocks.sns.commandCalls(GetTopicAttributesCommand).length],
    ['LimitExceededException from kinesis:DescribeStreamSummary (20 calls per second per account)', () => {
      mocks.kinesis.on(DescribeStreamSummaryCommand, { StreamARN: STREAM_ARN }, true)
        .rejectsOnce(new LimitExceededException({ message: 'Rate exceeded for stream order-records', $metadata: {} }))
        .resolves({ StreamDescriptionSummary: streamSummary({ EncryptionType: 'KMS', KeyId: KEY_ARN }) });
    }, () => mocks.kinesis.commandCalls(DescribeStreamSummaryCommand).length],
  ])('%s', async (_, setup, calls) => {
    healthyKey();
    healthyQueue();
    healthyTopic(KEY_ARN);
    healthyStream({ EncryptionType: 'KMS', KeyId: KEY_ARN });
    setup();

    const response = await invokeOn(TARGET_RESOURCES);

    expect(response.Status).toBe('SUCCESS');
    expect(calls()).toBe(2);
    expect(sleeps).toEqual([150]);
  });
});
