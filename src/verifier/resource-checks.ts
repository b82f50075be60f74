/*
 * The key-binding checks of the resources: each asks its service (src/services/<service>/check.ts) which key the
 * resource names, within the session's retries, and compares it with the key.
 *
 * Bundled into the verifier Lambda: import only @aws-sdk/* (provided by the Lambda runtime, external to the bundle),
 * node built-ins and the services' check.ts here.
 */
import { guard } from './explain';
import { compareKey, keyTags } from './key-checks';
import { binding, CheckOutcome, fail, Problem } from './outcomes';
import { call, VerificationSession } from './session';
import {
  API_DESTINATIONS_TAG,
  archiveKeyIdentifier,
  carriesApiDestinationsTag,
  connectionKeys,
  DESCRIBE_ARCHIVE,
  DESCRIBE_CONNECTION,
  DESCRIBE_EVENT_BUS,
  eventBusKeyIdentifier,
} from '../services/events/check';
import { DESCRIBE_STREAM_SUMMARY, streamEncryption } from '../services/kinesis/check';
import { dbClusterKeys, dbInstanceKeys, DbInstanceKeys, DESCRIBE_DB_CLUSTERS, DESCRIBE_DB_INSTANCES } from '../services/rds/check';
import { GET_SCHEDULE, scheduleKeyIdentifier } from '../services/scheduler/check';
import { DESCRIBE_SECRET, secretKeyIdentifier } from '../services/secretsmanager/check';
import { GET_TOPIC_ATTRIBUTES, topicKeyIdentifier } from '../services/sns/check';
import { GET_QUEUE_ATTRIBUTES, queueEncryption } from '../services/sqs/check';

/** scheduler:GetSchedule: `KmsKeyArn` names the key. */
export async function checkSchedule(session: VerificationSession, scheduleName: string, groupName: string): Promise<CheckOutcome> {
  const name = `schedule ${groupName}/${scheduleName}`;
  return guard(session, name, async () => {
    const keyIdentifier = await call(session, GET_SCHEDULE, name, signal =>
      scheduleKeyIdentifier(session.clients.scheduler, scheduleName, groupName, signal));
    return binding(name, [await compareKey(session, `the ${name}`, keyIdentifier, 'set the schedule\'s KmsKeyArn to the key ARN')]);
  });
}

/** events:DescribeEventBus: `KmsKeyIdentifier` names the key. */
export async function checkEventBus(session: VerificationSession, busName: string): Promise<CheckOutcome> {
  const name = `event bus ${busName}`;
  return guard(session, name, async () => {
    const keyIdentifier = await call(session, DESCRIBE_EVENT_BUS, name, signal => eventBusKeyIdentifier(session.clients.events, busName, signal));
    return binding(name, [await compareKey(session, `the ${name}`, keyIdentifier, 'set the event bus\'s KmsKeyIdentifier to the key')]);
  });
}

/** events:DescribeArchive: `KmsKeyIdentifier` names the key. */
export async function checkArchive(session: VerificationSession, archiveName: string): Promise<CheckOutcome> {
  const name = `archive ${archiveName}`;
  return guard(session, name, async () => {
    const keyIdentifier = await call(session, DESCRIBE_ARCHIVE, name, signal => archiveKeyIdentifier(session.clients.events, archiveName, signal));
    return binding(name, [await compareKey(session, `the ${name}`, keyIdentifier,
      'set the archive\'s KmsKeyIdentifier to the key (EventBus.archive() drops the key: build events.Archive)')]);
  });
}

/**
 * events:DescribeConnection: `KmsKeyIdentifier` names the key; secretsmanager:DescribeSecret: the connection's secret
 * is encrypted with the key; kms:ListResourceTags: the key carries `EventBridgeApiDestinations=true`.
 */
export async function checkConnection(session: VerificationSession, connectionName: string): Promise<CheckOutcome> {
  const name = `connection ${connectionName}`;
  return guard(session, name, async () => {
    const connection = await call(session, DESCRIBE_CONNECTION, name, signal => connectionKeys(session.clients.events, connectionName, signal));
    const [connectionKey, secretKey, tagged] = await Promise.all([
      compareKey(session, `the ${name}`, connection.keyIdentifier, 'set the connection\'s KmsKeyIdentifier to the key'),
      (async (): Promise<Problem | undefined> => {
        const secretArn = connection.secretArn;
        if (!secretArn) {
          return { what: `the ${name} has no secret (DescribeConnection returned no SecretArn)`, fix: 're-create the connection with its authorization parameters' };
        }
        const secretKeyId = await call(session, DESCRIBE_SECRET, `secret ${secretArn}`, signal =>
          secretKeyIdentifier(session.clients.secretsManager, secretArn, signal));
        return compareKey(session, `the ${name}'s secret ${secretArn}`, secretKeyId,
          'update the connection with KmsKeyIdentifier set to the key so EventBridge re-encrypts its secret');
      })(),
      hasApiDestinationsTag(session),
    ]);
    const tagProblem = tagged ? undefined : {
      what: `key ${session.request.keyArn} lacks the tag ${API_DESTINATIONS_TAG.key}=${API_DESTINATIONS_TAG.value}, without which EventBridge cannot use it for the ${name}`,
      fix: 'tag the key',
    };
    return binding(name, [connectionKey, secretKey, tagProblem]);
  });
}

/** kms:ListResourceTags (all pages, once per invocation): the key carries `EventBridgeApiDestinations=true`. */
export async function hasApiDestinationsTag(session: VerificationSession): Promise<boolean> {
  return carriesApiDestinationsTag(await keyTags(session));
}

/**
 * rds:DescribeDBInstances: storage encrypted with the key and, when expected, the master user secret and Performance
 * Insights too.
 */
export async function checkDbInstance(
  session: VerificationSession,
  identifier: string,
  expectMasterUserSecret: boolean,
  expectPerformanceInsights: boolean,
): Promise<CheckOutcome> {
  return checkDatabase(session, `DB instance ${identifier}`, DB_INSTANCE, signal => dbInstanceKeys(session.clients.rds, identifier, signal),
    expectMasterUserSecret, expectPerformanceInsights);
}

/**
 * rds:DescribeDBClusters: the cluster's storage encrypted with the key and, when expected, the master user secret and
 * Performance Insights (set on the cluster) too.
 */
export async function checkDbCluster(
  session: VerificationSession,
  identifier: string,
  expectMasterUserSecret: boolean,
  expectPerformanceInsights: boolean,
): Promise<CheckOutcome> {
  return checkDatabase(session, `DB cluster ${identifier}`, DB_CLUSTER, signal => dbClusterKeys(session.clients.rds, identifier, signal),
    expectMasterUserSecret, expectPerformanceInsights);
}

/** What differs between checking a DB instance and a DB cluster: the call, and the words of the fixes. */
interface DatabaseWords {
  readonly action: string;
  /** The API operation, named when it answers with no resource. */
  readonly operation: string;
  readonly resource: 'instance' | 'cluster';
  /** The fix when Performance Insights is off. */
  readonly performanceInsightsOff: string;
  /** The CloudFormation property that names the Performance Insights key. */
  readonly performanceInsightsKey: string;
}

const DB_INSTANCE: DatabaseWords = {
  action: DESCRIBE_DB_INSTANCES,
  operation: 'DescribeDBInstances',
  resource: 'instance',
  performanceInsightsOff: 'enable it with PerformanceInsightsKMSKeyId set to the key',
  performanceInsightsKey: 'PerformanceInsightsKMSKeyId',
};

/**
 * `AWS::RDS::DBCluster` spells the key property `PerformanceInsightsKmsKeyId` (the API: `PerformanceInsightsKMSKeyId`).
 * The check reads the cluster's own setting, so the fix names the cluster's properties, not its instances'.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html
 */
const DB_CLUSTER: DatabaseWords = {
  action: DESCRIBE_DB_CLUSTERS,
  operation: 'DescribeDBClusters',
  resource: 'cluster',
  performanceInsightsOff: 'set the cluster\'s PerformanceInsightsEnabled true and PerformanceInsightsKmsKeyId to the key',
  performanceInsightsKey: 'PerformanceInsightsKmsKeyId',
};

async function checkDatabase(
  session: VerificationSession,
  name: string,
  words: DatabaseWords,
  describe: (signal?: AbortSignal) => Promise<DbInstanceKeys | undefined>,
  expectMasterUserSecret: boolean,
  expectPerformanceInsights: boolean,
): Promise<CheckOutcome> {
  return guard(session, name, async () => {
    const db = await call(session, words.action, name, describe);
    if (!db) {
      return fail(name, { what: `the ${name} was not found (${words.operation} returned none)`, fix: `make the verification depend on the ${words.resource}` });
    }
    const problems: Array<Promise<Problem | undefined> | Problem | undefined> = [];
    if (!db.storageEncrypted) {
      problems.push({
        what: `the ${name} has unencrypted storage`,
        fix: `set StorageEncrypted true and KmsKeyId to the key (storage encryption needs a new ${words.resource})`,
      });
    } else {
      problems.push(compareKey(session, `the ${name}'s storage`, db.storageKeyIdentifier, `set KmsKeyId to the key (changing it replaces the ${words.resource})`));
    }
    if (expectMasterUserSecret) {
      const secret = db.masterUserSecret;
      problems.push(secret
        ? compareKey(session, `the ${name}'s master user secret`, secret.keyIdentifier, 'set MasterUserSecret.KmsKeyId to the key')
        : { what: `the ${name} has no RDS-managed master user secret`, fix: 'set ManageMasterUserPassword true and MasterUserSecret.KmsKeyId to the key' });
    }
    if (expectPerformanceInsights) {
      problems.push(db.performanceInsightsEnabled
        ? compareKey(session, `the ${name}'s Performance Insights`, db.performanceInsightsKeyIdentifier, `set ${words.performanceInsightsKey} to the key`)
        : { what: `the ${name} has Performance Insights off`, fix: words.performanceInsightsOff });
    }
    return binding(name, await Promise.all(problems));
  });
}

/**
 * sqs:GetQueueAttributes: `KmsMasterKeyId` names the key. A queue without it is encrypted with SSE-SQS (SQS owned
 * keys, `SqsManagedSseEnabled`) or not at all; either is a failure with the same fix.
 */
export async function checkQueue(session: VerificationSession, queueUrl: string): Promise<CheckOutcome> {
  const name = `queue ${queueUrl}`;
  const fix = 'set the queue\'s KmsMasterKeyId to the key';
  return guard(session, name, async () => {
    const encryption = await call(session, GET_QUEUE_ATTRIBUTES, name, signal => queueEncryption(session.clients.sqs, queueUrl, signal));
    if (!encryption.keyIdentifier) {
      const how = encryption.sqsManaged ? 'is encrypted with SSE-SQS (SQS owned keys), not with a KMS key' : 'is not encrypted';
      return fail(name, { what: `the ${name} ${how}, expected key ${session.request.keyArn}`, fix });
    }
    return binding(name, [await compareKey(session, `the ${name}`, encryption.keyIdentifier, fix)]);
  });
}

/** sns:GetTopicAttributes: `KmsMasterKeyId` names the key; a topic without it is not encrypted. */
export async function checkTopic(session: VerificationSession, topicArn: string): Promise<CheckOutcome> {
  const name = `topic ${topicArn}`;
  const fix = 'set the topic\'s KmsMasterKeyId to the key';
  return guard(session, name, async () => {
    const keyIdentifier = await call(session, GET_TOPIC_ATTRIBUTES, name, signal => topicKeyIdentifier(session.clients.sns, topicArn, signal));
    if (!keyIdentifier) return fail(name, { what: `the ${name} is not encrypted (no KmsMasterKeyId), expected key ${session.request.keyArn}`, fix });
    return binding(name, [await compareKey(session, `the ${name}`, keyIdentifier, fix)]);
  });
}

/** kinesis:DescribeStreamSummary: `EncryptionType` is `KMS` and `KeyId` names the key. */
export async function checkStream(session: VerificationSession, streamArn: string): Promise<CheckOutcome> {
  const name = `stream ${streamArn}`;
  const fix = 'set the stream\'s StreamEncryption to EncryptionType KMS with KeyId the key';
  return guard(session, name, async () => {
    const encryption = await call(session, DESCRIBE_STREAM_SUMMARY, name, signal => streamEncryption(session.clients.kinesis, streamArn, signal));
    if (encryption.encryptionType !== 'KMS') {
      return fail(name, { what: `the ${name} is not encrypted (EncryptionType ${encryption.encryptionType ?? 'missing'}), expected key ${session.request.keyArn}`, fix });
    }
    return binding(name, [await compareKey(session, `the ${name}`, encryption.keyIdentifier, fix)]);
  });
}
