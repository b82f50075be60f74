import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { checkArn, PropValidationError } from '../internal/validation';

/**
 * A resource whose key binding the verifier checks, and what the verifier may call to check it.
 *
 * Build one with the static methods; each names the exact read-only API call and the ARN it is allowed on.
 */
export class VerifiedResource {
  /**
   * An EventBridge Scheduler schedule: `GetSchedule` must return `KmsKeyArn` = the key.
   *
   * @param keyPolicyScheduleArn the `.../schedule/<group>/*` pattern when the key policy names the schedule's group
   *   (`ScheduleKeyPolicyScope.SCHEDULE_GROUP`) rather than the schedule
   */
  public static schedule(scheduleName: string, groupName: string, scheduleArn: string, dependency?: IConstruct, keyPolicyScheduleArn?: string): VerifiedResource {
    checkArn('VerifiedResource.schedule', 'scheduleArn', scheduleArn, SCHEDULE_ARN, 'arn:<partition>:scheduler:<region>:<account>:schedule/<group>/<name>');
    checkIdentifier('VerifiedResource.schedule', 'scheduleName', scheduleName, SCHEDULER_NAME, SCHEDULER_NAME_ALLOWED);
    checkIdentifier('VerifiedResource.schedule', 'groupName', groupName, SCHEDULER_NAME, SCHEDULER_NAME_ALLOWED);
    checkArnNames('VerifiedResource.schedule', scheduleArn, `/${groupName}/${scheduleName}`, 'scheduleArn must end in /<groupName>/<scheduleName>');
    return new VerifiedResource(
      { Type: 'AWS::Scheduler::Schedule', Name: scheduleName, GroupName: groupName },
      [new iam.PolicyStatement({ actions: ['scheduler:GetSchedule'], resources: [scheduleArn] })],
      dependency,
      scheduleArn,
      keyPolicyScheduleArn,
    );
  }

  /** An EventBridge event bus: `DescribeEventBus` must return `KmsKeyIdentifier` = the key. */
  public static eventBus(eventBusName: string, eventBusArn: string, dependency?: IConstruct): VerifiedResource {
    checkArn('VerifiedResource.eventBus', 'eventBusArn', eventBusArn, EVENT_BUS_ARN, 'arn:<partition>:events:<region>:<account>:event-bus/<name>');
    checkIdentifier('VerifiedResource.eventBus', 'eventBusName', eventBusName, EVENT_BUS_NAME, '1 to 256 letters, digits, ".", "_", "-" and "/"');
    checkArnNames('VerifiedResource.eventBus', eventBusArn, `/${eventBusName}`, 'eventBusArn must end in /<eventBusName>');
    return new VerifiedResource(
      { Type: 'AWS::Events::EventBus', Name: eventBusName },
      [new iam.PolicyStatement({ actions: ['events:DescribeEventBus'], resources: [eventBusArn] })],
      dependency,
    );
  }

  /** An EventBridge archive: `DescribeArchive` must return `KmsKeyIdentifier` = the key. */
  public static archive(archiveName: string, archiveArn: string, dependency?: IConstruct): VerifiedResource {
    checkArn('VerifiedResource.archive', 'archiveArn', archiveArn, ARCHIVE_ARN, 'arn:<partition>:events:<region>:<account>:archive/<name>');
    checkIdentifier('VerifiedResource.archive', 'archiveName', archiveName, ARCHIVE_NAME, '1 to 48 letters, digits, ".", "_" and "-"');
    checkArnNames('VerifiedResource.archive', archiveArn, `/${archiveName}`, 'archiveArn must end in /<archiveName>');
    return new VerifiedResource(
      { Type: 'AWS::Events::Archive', Name: archiveName },
      [new iam.PolicyStatement({ actions: ['events:DescribeArchive'], resources: [archiveArn] })],
      dependency,
    );
  }

  /**
   * An EventBridge connection: `DescribeConnection` must return `KmsKeyIdentifier` = the key, Secrets Manager's
   * `DescribeSecret` of its secret `KmsKeyId` = the key, and the key must carry `EventBridgeApiDestinations=true`.
   *
   * @param connectionArn the ARN IAM authorizes connection actions against: `arn:<partition>:events:<region>:<account>:connection/<name>`
   *   (CloudFormation's `ArnForPolicy`), NOT the connection's `Arn` attribute, which ends in `/<uuid>` and matches no
   *   IAM resource of `events:DescribeConnection`
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html
   */
  public static connection(connectionName: string, connectionArn: string, secretArn: string, dependency?: IConstruct): VerifiedResource {
    checkArn('VerifiedResource.connection', 'connectionArn', connectionArn, CONNECTION_ARN, 'arn:<partition>:events:<region>:<account>:connection/<name> (the IAM form, without /<uuid>)');
    checkArn('VerifiedResource.connection', 'secretArn', secretArn, SECRET_ARN, 'arn:<partition>:secretsmanager:<region>:<account>:secret:<name>');
    checkIdentifier('VerifiedResource.connection', 'connectionName', connectionName, CONNECTION_NAME, '1 to 64 letters, digits, ".", "_" and "-"');
    checkArnNames('VerifiedResource.connection', connectionArn, `/${connectionName}`, 'connectionArn must end in /<connectionName>');
    return new VerifiedResource(
      { Type: 'AWS::Events::Connection', Name: connectionName },
      [
        new iam.PolicyStatement({ actions: ['events:DescribeConnection'], resources: [connectionArn] }),
        new iam.PolicyStatement({ actions: ['secretsmanager:DescribeSecret'], resources: [secretArn] }),
      ],
      dependency,
    );
  }

  /**
   * An RDS DB instance: `DescribeDBInstances` must return `StorageEncrypted` and `KmsKeyId` = the key, and, when
   * expected, `MasterUserSecret.KmsKeyId` and `PerformanceInsightsKMSKeyId` = the key.
   */
  public static dbInstance(instanceIdentifier: string, instanceArn: string, options: DbInstanceVerificationOptions = {}, dependency?: IConstruct): VerifiedResource {
    checkArn('VerifiedResource.dbInstance', 'instanceArn', instanceArn, DB_INSTANCE_ARN, 'arn:<partition>:rds:<region>:<account>:db:<identifier>');
    checkIdentifier('VerifiedResource.dbInstance', 'instanceIdentifier', instanceIdentifier, RDS_IDENTIFIER, RDS_IDENTIFIER_ALLOWED);
    checkArnNames('VerifiedResource.dbInstance', instanceArn, `:${lowerCase(instanceIdentifier)}`, 'instanceArn must end in :<instanceIdentifier> (in lower case)');
    return new VerifiedResource(
      {
        Type: 'AWS::RDS::DBInstance',
        Identifier: instanceIdentifier,
        ExpectMasterUserSecret: String(options.masterUserSecret ?? true),
        ExpectPerformanceInsights: String(options.performanceInsights ?? true),
      },
      [new iam.PolicyStatement({ actions: ['rds:DescribeDBInstances'], resources: [instanceArn] })],
      dependency,
    );
  }

  /**
   * An RDS DB cluster (Aurora PostgreSQL or MySQL, or a Multi-AZ DB cluster): `DescribeDBClusters` must return
   * `StorageEncrypted` and `KmsKeyId` = the key, and, when expected, `MasterUserSecret.KmsKeyId` and
   * `PerformanceInsightsKMSKeyId` = the key.
   *
   * @param clusterIdentifier the DB cluster identifier (RDS stores it in lower case)
   * @param clusterArn the cluster's ARN, `arn:<partition>:rds:<region>:<account>:cluster:<identifier>`, on which the
   *   verifier role may call `rds:DescribeDBClusters`
   * @param options which parts besides storage to check
   * @param dependency the construct the verification must wait for (the cluster)
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusters.html
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html
   */
  public static dbCluster(clusterIdentifier: string, clusterArn: string, options: DbClusterVerificationOptions = {}, dependency?: IConstruct): VerifiedResource {
    checkArn('VerifiedResource.dbCluster', 'clusterArn', clusterArn, DB_CLUSTER_ARN, 'arn:<partition>:rds:<region>:<account>:cluster:<identifier>');
    checkIdentifier('VerifiedResource.dbCluster', 'clusterIdentifier', clusterIdentifier, RDS_IDENTIFIER, RDS_IDENTIFIER_ALLOWED);
    checkArnNames('VerifiedResource.dbCluster', clusterArn, `:${lowerCase(clusterIdentifier)}`, 'clusterArn must end in :<clusterIdentifier> (in lower case)');
    return new VerifiedResource(
      {
        Type: 'AWS::RDS::DBCluster',
        Identifier: clusterIdentifier,
        ExpectMasterUserSecret: String(options.masterUserSecret ?? true),
        ExpectPerformanceInsights: String(options.performanceInsights ?? true),
      },
      [new iam.PolicyStatement({ actions: ['rds:DescribeDBClusters'], resources: [clusterArn] })],
      dependency,
    );
  }

  /**
   * An SQS queue: `GetQueueAttributes` must return `KmsMasterKeyId` = the key (a queue on SSE-SQS, or unencrypted, fails
   * the check).
   *
   * @param queueUrl the queue URL the call takes (a queue's `Ref`), `https://sqs.<region>.amazonaws.com/<account>/<name>`
   * @param queueArn the queue's ARN, `arn:<partition>:sqs:<region>:<account>:<name>`, on which the verifier role may call
   *   `sqs:GetQueueAttributes` (IAM authorizes the call against the ARN, not the URL)
   * @param dependency the construct the verification must wait for (the queue)
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html
   */
  public static queue(queueUrl: string, queueArn: string, dependency?: IConstruct): VerifiedResource {
    checkArn('VerifiedResource.queue', 'queueUrl', queueUrl, QUEUE_URL, 'https://sqs.<region>.amazonaws.com/<account>/<name> (the queue\'s Ref)');
    checkArn('VerifiedResource.queue', 'queueArn', queueArn, QUEUE_ARN, 'arn:<partition>:sqs:<region>:<account>:<name>');
    if (!Token.isUnresolved(queueUrl)) {
      checkArnNames('VerifiedResource.queue', queueArn, `:${queueUrl.split('/').pop()}`, 'queueArn must end in the queue name the URL ends in');
    }
    return new VerifiedResource(
      { Type: 'AWS::SQS::Queue', QueueUrl: queueUrl },
      [new iam.PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: [queueArn] })],
      dependency,
    );
  }

  /**
   * An SNS topic: `GetTopicAttributes` must return `KmsMasterKeyId` = the key (an unencrypted topic fails the check).
   *
   * @param topicArn the topic's ARN (a topic's `Ref`), `arn:<partition>:sns:<region>:<account>:<name>`: what the call
   *   takes and what the verifier role may call `sns:GetTopicAttributes` on
   * @param dependency the construct the verification must wait for (the topic)
   * @see https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html
   */
  public static topic(topicArn: string, dependency?: IConstruct): VerifiedResource {
    checkArn('VerifiedResource.topic', 'topicArn', topicArn, TOPIC_ARN, 'arn:<partition>:sns:<region>:<account>:<name>');
    return new VerifiedResource(
      { Type: 'AWS::SNS::Topic', TopicArn: topicArn },
      [new iam.PolicyStatement({ actions: ['sns:GetTopicAttributes'], resources: [topicArn] })],
      dependency,
    );
  }

  /**
   * A Kinesis data stream: `DescribeStreamSummary` must return `EncryptionType` KMS and `KeyId` = the key (an
   * unencrypted stream fails the check).
   *
   * @param streamArn the stream's ARN, `arn:<partition>:kinesis:<region>:<account>:stream/<name>`: what the call takes
   *   and what the verifier role may call `kinesis:DescribeStreamSummary` on
   * @param dependency the construct the verification must wait for (the stream)
   * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamSummary.html
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesisdatastreams.html
   */
  public static stream(streamArn: string, dependency?: IConstruct): VerifiedResource {
    checkArn('VerifiedResource.stream', 'streamArn', streamArn, STREAM_ARN, 'arn:<partition>:kinesis:<region>:<account>:stream/<name>');
    return new VerifiedResource(
      { Type: 'AWS::Kinesis::Stream', StreamArn: streamArn },
      [new iam.PolicyStatement({ actions: ['kinesis:DescribeStreamSummary'], resources: [streamArn] })],
      dependency,
    );
  }

  private constructor(
    /** The descriptor passed to the handler. */
    public readonly descriptor: { [key: string]: string },
    /** The read-only calls the verifier role needs for this resource. */
    public readonly statements: iam.PolicyStatement[],
    /** The construct the verification must wait for. */
    public readonly dependency?: IConstruct,
    /**
     * For a schedule: its ARN. `GetSchedule` on a schedule encrypted with a customer managed key makes Scheduler
     * decrypt the payload with the caller's permissions, so the verifier needs `kms:Decrypt` through Scheduler for
     * this schedule's encryption context (and no other).
     */
    public readonly scheduleArn?: string,
    /**
     * For a schedule whose key policy names its group (`.../schedule/<group>/*`): the context pattern the verifier's
     * key-policy statement uses, so the statement is shared by every schedule of the group. Its IAM policy keeps the
     * schedule's own ARN.
     */
    public readonly keyPolicyScheduleArn?: string,
  ) {}
}

/** Which of an RDS instance's encrypted parts to check besides storage. */
export interface DbInstanceVerificationOptions {
  /**
   * Check that the RDS-managed master user secret is encrypted with the key.
   *
   * @default true
   */
  readonly masterUserSecret?: boolean;
  /**
   * Check that Performance Insights data is encrypted with the key.
   *
   * @default true
   */
  readonly performanceInsights?: boolean;
}

/** Which of an RDS DB cluster's encrypted parts to check besides storage. */
export interface DbClusterVerificationOptions {
  /**
   * Check that the RDS-managed master user secret (`MasterUserSecret.KmsKeyId`) is encrypted with the key.
   *
   * @default true
   */
  readonly masterUserSecret?: boolean;
  /**
   * Check that Performance Insights is on for the cluster and encrypted with the key: the cluster's own
   * `PerformanceInsightsEnabled` and `PerformanceInsightsKMSKeyId`. Whether RDS reports them on a cluster whose
   * Performance Insights is set only on its instances is not documented: set it on the cluster.
   *
   * @default true
   */
  readonly performanceInsights?: boolean;
}

/**
 * The ARN forms the verifier's IAM statements name (Service Authorization Reference resource types): a string of another
 * form would grant nothing, and the check would fail at deploy time with AccessDenied.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridgescheduler.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesisdatastreams.html
 */
const SCHEDULE_ARN = /^arn:aws[a-z-]*:scheduler:[a-z0-9-]+:\d{12}:schedule\/[0-9A-Za-z._-]{1,64}\/[0-9A-Za-z._-]{1,64}$/;
const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[./\-_A-Za-z0-9]{1,256}$/;
const ARCHIVE_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:archive\/[.\-_A-Za-z0-9]{1,48}$/;
const CONNECTION_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:connection\/[.\-_A-Za-z0-9]{1,64}$/;
const DB_INSTANCE_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:db:[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/;
const DB_CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/;
// Queue names: up to 80 letters, digits, hyphens and underscores, a FIFO queue's ending in .fifo (CreateQueue,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html); topic names the same up
// to 256 (CreateTopic, https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html); stream names 1 to 128
// letters, digits, "_", "." and "-" (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamSummary.html).
const QUEUE_NAME = '(?=[A-Za-z0-9_.-]{1,80}$)[A-Za-z0-9_-]+(?:\\.fifo)?';
const QUEUE_ARN = new RegExp(`^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\\d{12}:${QUEUE_NAME}$`);
const QUEUE_URL = new RegExp(`^https://[a-z0-9.-]+/\\d{12}/${QUEUE_NAME}$`);
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:(?=[A-Za-z0-9_.-]{1,256}$)[A-Za-z0-9_-]+(?:\.fifo)?$/;
const STREAM_ARN = /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[a-zA-Z0-9_.-]{1,128}$/;

// The names the verifier passes to the read-only calls, as each API accepts them:
// https://docs.aws.amazon.com/scheduler/latest/APIReference/API_GetSchedule.html (Name, GroupName),
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeEventBus.html (Name),
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeArchive.html (ArchiveName),
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeConnection.html (Name),
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBInstanceIdentifier: 1 to 63
// letters, digits or hyphens, first a letter, no hyphen at the end and no two in a row; the same for DBClusterIdentifier).
const SCHEDULER_NAME = /^[0-9a-zA-Z._-]{1,64}$/;
const SCHEDULER_NAME_ALLOWED = '1 to 64 letters, digits, ".", "_" and "-"';
const EVENT_BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const ARCHIVE_NAME = /^[.\-_A-Za-z0-9]{1,48}$/;
const CONNECTION_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const RDS_IDENTIFIER = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$/;
const RDS_IDENTIFIER_ALLOWED = '1 to 63 letters, digits and hyphens, starting with a letter, not ending with a hyphen, without two hyphens in a row';

/** A name a static factory was given: a token, or a string of the API's form. */
function checkIdentifier(where: string, prop: string, value: unknown, form: RegExp, allowed: string): void {
  checkArn(where, prop, value, form, allowed);
}

/** An RDS identifier as RDS stores it (lower case); a token as it is (lower-casing would break it). */
function lowerCase(identifier: string): string {
  return typeof identifier === 'string' && !Token.isUnresolved(identifier) ? identifier.toLowerCase() : identifier;
}

/** The ARN names the resource it was given with (when both are literals): the verifier reads one, IAM allows the other. */
function checkArnNames(where: string, arn: string, suffix: string, rule: string): void {
  if (Token.isUnresolved(arn) || Token.isUnresolved(suffix)) return;
  if (!arn.endsWith(suffix)) throw new PropValidationError(`invalid ${where}:\n  - ${rule}: got ${JSON.stringify(arn)}`);
}
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
