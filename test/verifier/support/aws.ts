import { DescribeArchiveCommand, DescribeConnectionCommand, DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DescribeStreamSummaryCommand, KinesisClient, StreamDescriptionSummary } from '@aws-sdk/client-kinesis';
import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  GetKeyRotationStatusCommand,
  InvalidCiphertextException,
  KeyMetadata,
  KMSClient,
  ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import { DBCluster, DBInstance, DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { VERIFICATION_CONTEXT_KEY } from '../../../src/verifier/protocol';
import type { RetryPolicy } from '../../../src/verifier/retry';

export const ACCOUNT = '111122223333';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}`;
export const OTHER_KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
export const CONSTRUCT_PATH = 'App/Stack/Orders/Verification';
export const CONTEXT = { [VERIFICATION_CONTEXT_KEY]: CONSTRUCT_PATH };
export const TAMPERED_CONTEXT = { [VERIFICATION_CONTEXT_KEY]: `${CONSTRUCT_PATH}:tampered` };
export const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:events!connection/partner-api/5c1a9e0b-AbCdEf`;

/** The data key the fake KMS hands out: distinctive, so a test can look for it in logs and responses. */
export const PLAINTEXT_TEXT = 'PLAINTEXT-DATA-KEY-0123456789abc';
export const CIPHERTEXT = Uint8Array.from(Buffer.from('ciphertext-blob-of-the-data-key'));

/** A fresh copy of the data key per call (the handler zeroes the buffers it is done with). */
export function plaintext(): Uint8Array {
  return Uint8Array.from(Buffer.from(PLAINTEXT_TEXT));
}

/** Every client the verifier uses, mocked on its prototype (the handler builds its own instances). */
export const mocks = {
  kms: mockClient(KMSClient),
  scheduler: mockClient(SchedulerClient),
  events: mockClient(EventBridgeClient),
  secretsManager: mockClient(SecretsManagerClient),
  rds: mockClient(RDSClient),
  sqs: mockClient(SQSClient),
  sns: mockClient(SNSClient),
  kinesis: mockClient(KinesisClient),
};

/** Calls no test configured: each one fails the test in `afterEach`, even if the handler swallowed the error. */
export const unexpectedCalls: string[] = [];

/**
 * Resets every mock and makes any call without an explicit `.on(Command, input)` behaviour an error that is also
 * recorded in {@link unexpectedCalls}. Specific behaviours added afterwards take precedence.
 */
export function resetStrictMocks(): void {
  unexpectedCalls.length = 0;
  const strict = (name: string) => (input: unknown) => {
    unexpectedCalls.push(`${name} ${JSON.stringify(input)}`);
    throw new Error(`unexpected ${name} call ${JSON.stringify(input)}`);
  };
  // One statement per client: the mocks' types differ, so a loop over them does not type-check.
  mocks.kms.reset().onAnyCommand().callsFake(strict('kms'));
  mocks.scheduler.reset().onAnyCommand().callsFake(strict('scheduler'));
  mocks.events.reset().onAnyCommand().callsFake(strict('events'));
  mocks.secretsManager.reset().onAnyCommand().callsFake(strict('secretsManager'));
  mocks.rds.reset().onAnyCommand().callsFake(strict('rds'));
  mocks.sqs.reset().onAnyCommand().callsFake(strict('sqs'));
  mocks.sns.reset().onAnyCommand().callsFake(strict('sns'));
  mocks.kinesis.reset().onAnyCommand().callsFake(strict('kinesis'));
}

/** Total calls received by all mocks. */
export function totalCalls(): number {
  return Object.values(mocks).reduce((n, m) => n + m.calls().length, 0);
}

/** An AWS service error as the SDK raises it (for errors the SDK does not model, such as AccessDeniedException). */
export function awsError(name: string, message = `${name} (test)`, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 }, ...extra });
}

/** A network error as node raises it. */
export function networkError(code = 'ECONNRESET'): Error {
  return Object.assign(new Error(`read ${code}`), { code, errno: -104, syscall: 'read' });
}

export const HEALTHY_KEY: KeyMetadata = {
  KeyId: KEY_ID,
  Arn: KEY_ARN,
  AWSAccountId: ACCOUNT,
  KeyState: 'Enabled',
  Enabled: true,
  KeyManager: 'CUSTOMER',
  KeySpec: 'SYMMETRIC_DEFAULT',
  KeyUsage: 'ENCRYPT_DECRYPT',
  Origin: 'AWS_KMS',
};

/** A key that is healthy, rotating and round-trips under the verification context only. */
export function healthyKey(metadata: Partial<KeyMetadata> = {}): void {
  mocks.kms.on(DescribeKeyCommand, { KeyId: KEY_ARN }, true).resolves({ KeyMetadata: { ...HEALTHY_KEY, ...metadata } });
  mocks.kms.on(GetKeyRotationStatusCommand, { KeyId: KEY_ARN }, true).resolves({ KeyRotationEnabled: true, KeyId: KEY_ARN });
  mocks.kms.on(GenerateDataKeyCommand, { KeyId: KEY_ARN, KeySpec: 'AES_256', EncryptionContext: CONTEXT }, true)
    .callsFake(() => ({ KeyId: KEY_ARN, Plaintext: plaintext(), CiphertextBlob: CIPHERTEXT }));
  mocks.kms.on(DecryptCommand, { KeyId: KEY_ARN, CiphertextBlob: CIPHERTEXT, EncryptionContext: CONTEXT }, true)
    .callsFake(() => ({ KeyId: KEY_ARN, Plaintext: plaintext(), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }));
  mocks.kms.on(DecryptCommand, { KeyId: KEY_ARN, CiphertextBlob: CIPHERTEXT, EncryptionContext: TAMPERED_CONTEXT }, true)
    .rejects(new InvalidCiphertextException({ message: 'InvalidCiphertextException', $metadata: {} }));
}

/** An alias or key id that DescribeKey resolves to `arn`. */
export function keyIdentifier(identifier: string, arn = KEY_ARN): void {
  mocks.kms.on(DescribeKeyCommand, { KeyId: identifier }, true).resolves({ KeyMetadata: { ...HEALTHY_KEY, Arn: arn } });
}

// ---------------------------------------------------------------------------------------------------------------------
// One healthy resource of each type, and its descriptor.
// ---------------------------------------------------------------------------------------------------------------------

export const SCHEDULE = { Type: 'AWS::Scheduler::Schedule', Name: 'nightly', GroupName: 'jobs' } as const;
export const EVENT_BUS = { Type: 'AWS::Events::EventBus', Name: 'orders' } as const;
export const ARCHIVE = { Type: 'AWS::Events::Archive', Name: 'orders-archive' } as const;
export const CONNECTION = { Type: 'AWS::Events::Connection', Name: 'partner-api' } as const;
export const DB_INSTANCE = { Type: 'AWS::RDS::DBInstance', Identifier: 'orders-db', ExpectMasterUserSecret: 'true', ExpectPerformanceInsights: 'true' } as const;
export const DB_CLUSTER = { Type: 'AWS::RDS::DBCluster', Identifier: 'orders-cluster', ExpectMasterUserSecret: 'true', ExpectPerformanceInsights: 'true' } as const;
export const ALL_RESOURCES = [SCHEDULE, EVENT_BUS, ARCHIVE, CONNECTION, DB_INSTANCE, DB_CLUSTER];

/** `null`: the schedule names no key (the AWS owned key). */
export function healthySchedule(kmsKeyArn: string | null = KEY_ARN): void {
  mocks.scheduler.on(GetScheduleCommand, { Name: SCHEDULE.Name, GroupName: SCHEDULE.GroupName }, true)
    .resolves({ Name: SCHEDULE.Name, GroupName: SCHEDULE.GroupName, KmsKeyArn: kmsKeyArn ?? undefined });
}

/** The bus names its key by alias (resolved with DescribeKey); `null`: no key. */
export function healthyEventBus(identifier: string | null = 'alias/orders'): void {
  if (identifier === 'alias/orders') keyIdentifier('alias/orders');
  mocks.events.on(DescribeEventBusCommand, { Name: EVENT_BUS.Name }, true).resolves({ Name: EVENT_BUS.Name, KmsKeyIdentifier: identifier ?? undefined });
}

/** The archive names its key by key id (resolved with DescribeKey); `null`: no key. */
export function healthyArchive(identifier: string | null = KEY_ID): void {
  if (identifier === KEY_ID) keyIdentifier(KEY_ID);
  mocks.events.on(DescribeArchiveCommand, { ArchiveName: ARCHIVE.Name }, true).resolves({ ArchiveName: ARCHIVE.Name, KmsKeyIdentifier: identifier ?? undefined });
}

export function healthyConnection(options: { connectionKey?: string; secretKey?: string; tags?: Array<{ TagKey: string; TagValue: string }> } = {}): void {
  mocks.events.on(DescribeConnectionCommand, { Name: CONNECTION.Name }, true).resolves({
    Name: CONNECTION.Name,
    ConnectionState: 'AUTHORIZED',
    SecretArn: SECRET_ARN,
    KmsKeyIdentifier: 'connectionKey' in options ? options.connectionKey : KEY_ARN,
  });
  mocks.secretsManager.on(DescribeSecretCommand, { SecretId: SECRET_ARN }, true).resolves({
    ARN: SECRET_ARN,
    KmsKeyId: 'secretKey' in options ? options.secretKey : KEY_ARN,
  });
  mocks.kms.on(ListResourceTagsCommand, { KeyId: KEY_ARN }, true).resolves({
    Tags: options.tags ?? [{ TagKey: 'Purpose', TagValue: 'orders' }, { TagKey: 'EventBridgeApiDestinations', TagValue: 'true' }],
    Truncated: false,
  });
}

export const HEALTHY_DB: DBInstance = {
  DBInstanceIdentifier: DB_INSTANCE.Identifier,
  StorageEncrypted: true,
  KmsKeyId: KEY_ARN,
  MasterUserSecret: { SecretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!db-1`, SecretStatus: 'active', KmsKeyId: KEY_ARN },
  PerformanceInsightsEnabled: true,
  PerformanceInsightsKMSKeyId: KEY_ARN,
};

export function healthyDbInstance(instance: Partial<DBInstance> = {}): void {
  mocks.rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: DB_INSTANCE.Identifier }, true)
    .resolves({ DBInstances: [{ ...HEALTHY_DB, ...instance }] });
}

export const HEALTHY_CLUSTER: DBCluster = {
  DBClusterIdentifier: DB_CLUSTER.Identifier,
  StorageEncrypted: true,
  KmsKeyId: KEY_ARN,
  MasterUserSecret: { SecretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!cluster-1`, SecretStatus: 'active', KmsKeyId: KEY_ARN },
  PerformanceInsightsEnabled: true,
  PerformanceInsightsKMSKeyId: KEY_ARN,
};

export function healthyDbCluster(cluster: Partial<DBCluster> = {}): void {
  mocks.rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: DB_CLUSTER.Identifier }, true)
    .resolves({ DBClusters: [{ ...HEALTHY_CLUSTER, ...cluster }] });
}

// ---------------------------------------------------------------------------------------------------------------------
// Rule targets: a queue, a topic and a stream, kept out of ALL_RESOURCES (whose physical id is pinned).
// ---------------------------------------------------------------------------------------------------------------------

export const QUEUE_URL = `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/billing`;
export const TOPIC_ARN = `arn:aws:sns:eu-west-1:${ACCOUNT}:notify`;
export const STREAM_ARN = `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/order-records`;
export const QUEUE = { Type: 'AWS::SQS::Queue', QueueUrl: QUEUE_URL } as const;
export const TOPIC = { Type: 'AWS::SNS::Topic', TopicArn: TOPIC_ARN } as const;
export const STREAM = { Type: 'AWS::Kinesis::Stream', StreamArn: STREAM_ARN } as const;
export const TARGET_RESOURCES = [QUEUE, TOPIC, STREAM];

/** The queue's attributes as GetQueueAttributes returns them: by default SSE-KMS with the key ARN. */
export function healthyQueue(attributes: Record<string, string> = { KmsMasterKeyId: KEY_ARN, SqsManagedSseEnabled: 'false' }): void {
  mocks.sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL, AttributeNames: ['KmsMasterKeyId', 'SqsManagedSseEnabled'] }, true).resolves({ Attributes: attributes });
}

/** The topic names its key by alias (resolved with DescribeKey); `null`: no key (an unencrypted topic). */
export function healthyTopic(identifier: string | null = 'alias/notify'): void {
  if (identifier === 'alias/notify') keyIdentifier('alias/notify');
  const attributes: Record<string, string> = { TopicArn: TOPIC_ARN, ...(identifier === null ? {} : { KmsMasterKeyId: identifier }) };
  mocks.sns.on(GetTopicAttributesCommand, { TopicArn: TOPIC_ARN }, true).resolves({ Attributes: attributes });
}

/** The stream's summary as DescribeStreamSummary returns it, with `summary`'s fields. */
export function streamSummary(summary: Partial<StreamDescriptionSummary>): StreamDescriptionSummary {
  const required = { StreamName: 'order-records', StreamARN: STREAM_ARN, StreamStatus: 'ACTIVE', RetentionPeriodHours: 24 } as const;
  return { ...required, StreamCreationTimestamp: new Date(0), EnhancedMonitoring: [], OpenShardCount: 1, ...summary };
}

/** The stream's summary: by default KMS with the key id (resolved with DescribeKey). */
export function healthyStream(summary: Partial<StreamDescriptionSummary> = { EncryptionType: 'KMS', KeyId: KEY_ID }): void {
  if (summary.KeyId === KEY_ID) keyIdentifier(KEY_ID);
  mocks.kinesis.on(DescribeStreamSummaryCommand, { StreamARN: STREAM_ARN }, true).resolves({ StreamDescriptionSummary: streamSummary(summary) });
}

/** A healthy key and one healthy resource of each type. */
export function healthyAccount(): void {
  healthyKey();
  healthySchedule();
  healthyEventBus();
  healthyArchive();
  healthyConnection();
  healthyDbInstance();
  healthyDbCluster();
}

/** A retry policy on a fake clock: sleeping advances it and is recorded in `slept`; no jitter. */
export function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { slept: number[] } {
  let clock = 0;
  const slept: number[] = [];
  return {
    deadline: 60_000,
    now: () => clock,
    sleep: async ms => {
      slept.push(ms);
      clock += ms;
    },
    random: () => 0,
    slept,
    ...overrides,
  };
}
