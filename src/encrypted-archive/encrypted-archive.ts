import { CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { busAlarms } from './alarms';
import { BUS_LOG_POLICY_NOT_MANAGED_WARNING } from './bus-log-destinations';
import { BUS_LOG_DETAIL_WARNING, deliverBusLogs } from './bus-logging';
import { grantConsumeBusDeadLetters } from './dead-letters';
import { adoptEventBus, ArchivedBus, createEventBus, EXISTING_EVENT_BUS_WARNING } from './event-bus';
import { allowAccounts, allowOrganization } from './producers';
import { EncryptedArchiveProps } from './props';
import { EncryptedRuleProps } from './rule-props';
import { addArchiveRule } from './rules';
import { validateArchiveProps } from './validation';
import { watchChannelKey } from '../audit/audit-key';
import { IEncryptedResource } from '../encrypted-resource/props';
import { warnIfKeyDestroyedBeforeData } from '../encrypted-resource/removal-checks';
import { Encryption, setUpEncryption, verifyEncryption } from '../encrypted-resource/setup';
import { formatArn, stackEnvironment } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { namedResourceRemovalPolicy } from '../internal/removal-policies';
import { PropValidationError } from '../internal/validation';
import { KeyPolicyStatements } from '../key/statements';
import { ARCHIVE_FACTS, failedInvocationsQuery } from '../services/events/archive-facts';
import { SharedAlarmTopic } from '../stack/alarm-topic';
import { EncryptionVerification, VerifiedResource } from '../verifier/encryption-verification';

/**
 * An EventBridge event bus and an archive of its events (for replay), both encrypted with a customer managed KMS key.
 *
 * Creates (unless given) a custom event bus with `KmsKeyIdentifier` and a dead-letter queue for events that fail
 * encryption, an `AWS::Events::Archive` with `KmsKeyIdentifier`, the key-policy statements that let only
 * `events.amazonaws.com`, only for this bus's encryption context and on behalf of this bus or archive, use the key,
 * alarms on the dead-letter queue and on failed rule invocations, the account's audit trail registration and the
 * deploy-time verification that the bus and the archive name the key.
 *
 * The bus and archive names are known before deploy (the user's, or derived from the construct path), so the key
 * policy names their ARNs without `Fn::GetAtt`, which would make a key ↔ bus dependency cycle.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html
 */
export class EncryptedArchive extends Construct implements IEncryptedResource {
  /** The warning id for an existing bus whose key and dead-letter queue the construct cannot set. */
  public static readonly EXISTING_EVENT_BUS_WARNING = EXISTING_EVENT_BUS_WARNING;
  /** The warning id for bus logs that include full event detail (`logging.includeDetail` FULL). */
  public static readonly BUS_LOG_DETAIL_WARNING = BUS_LOG_DETAIL_WARNING;
  /** The warning id for a bus log destination (an imported log group or bucket) whose resource policy the construct cannot edit. */
  public static readonly BUS_LOG_POLICY_NOT_MANAGED_WARNING = BUS_LOG_POLICY_NOT_MANAGED_WARNING;

  /** The customer managed key that encrypts the bus (when created here) and the archive. */
  public readonly encryptionKey: kms.IKey;
  /** ARN of the trail that audits the key, if any. */
  public readonly auditTrailArn?: string;
  /** The event bus: the new one, or the one given. Grant producers `eventBus.grantPutEventsTo(...)`. */
  public readonly eventBus: events.IEventBus;
  /** Whether the construct created the event bus (and so set its key and dead-letter queue). */
  public readonly eventBusCreated: boolean;
  /** Name of the event bus. */
  public readonly eventBusName: string;
  /** ARN of the event bus, built from its name: the value of the `aws:events:event-bus:arn` encryption context. */
  public readonly eventBusArn: string;
  /** The archive. */
  public readonly archive: events.Archive;
  /** Name of the archive. */
  public readonly archiveName: string;
  /** ARN of the archive, built from its name. */
  public readonly archiveArn: string;
  /** The bus's dead-letter queue, or undefined for an existing bus. */
  public readonly deadLetterQueue?: sqs.IQueue;
  /** Alarm raised when the dead-letter queue holds at least one event, or undefined for an existing bus. */
  public readonly deadLetterQueueAlarm?: cloudwatch.Alarm;
  /** Alarm: at least one invocation of a rule on the bus failed permanently. */
  public readonly failedInvocationsAlarm: cloudwatch.Alarm;
  /** The topic the alarms notify: the `alarmTopic` given, else the stack's shared alarm topic. Subscribe to it. */
  public readonly alarmTopic: sns.ITopic;
  /** The deploy-time verification, unless turned off. */
  public readonly verification?: EncryptionVerification;
  /** The log group the bus logs to (`logging`): the new one or yours; undefined when the bus does not log, or logs to a bucket or a stream. */
  public readonly logGroup?: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: EncryptedArchiveProps = {}) {
    super(scope, id);
    validateArchiveProps(this, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // key: the key, its audit and the quotas
    const encryption = setUpEncryption(this, props, 'an EventBridge event bus and its archive');
    this.encryptionKey = encryption.key;
    this.auditTrailArn = encryption.auditTrailArn;

    // resources: names (and the ARNs built from them) are fixed before deploy, so the key policy needs no Fn::GetAtt
    this.eventBusCreated = props.eventBus === undefined;
    this.archiveName = props.archiveName ?? deterministicName(this, ARCHIVE_FACTS.archiveNameMaxLength);
    this.archiveArn = formatArn(this, { service: 'events', resource: 'archive', resourceName: this.archiveName });
    const bus: ArchivedBus = props.eventBus
      ? adoptEventBus(this, props.eventBus, this.encryptionKey)
      : createEventBus(this, props, this.encryptionKey, removalPolicy);
    this.eventBus = bus.eventBus;
    this.eventBusName = bus.eventBusName;
    this.eventBusArn = bus.eventBusArn;
    this.deadLetterQueue = bus.deadLetterQueue;
    this.archive = this.createArchive(props, removalPolicy);
    // The archived events, and the bus's dead letters ("encrypted events" under the bus key), outlive a key deleted
    // with the stack only as unreadable data: warn (acknowledgeable on this construct).
    warnIfKeyDestroyedBeforeData(this.archive, this.encryptionKey, [
      { what: 'the archive\'s events', resource: this.archive.node.defaultChild as CfnResource },
      ...(this.deadLetterQueue?.node.defaultChild instanceof CfnResource
        ? [{ what: 'the bus dead-letter queue\'s events', resource: this.deadLetterQueue.node.defaultChild }] : []),
    ]);

    // alarms
    this.alarmTopic = this.watchAlarmChannels(props);
    const alarms = busAlarms(this, {
      eventBusName: this.eventBusName,
      alarmTopic: this.alarmTopic,
      deadLetterQueueDepth: this.metricDeadLetterQueueDepth(),
      failedInvocations: this.metricFailedInvocations(),
    });
    this.deadLetterQueueAlarm = alarms.deadLetterQueueAlarm;
    this.failedInvocationsAlarm = alarms.failedInvocationsAlarm;

    // statements, then verification
    this.addKeyStatements(encryption);
    if (props.logging) {
      this.logGroup = deliverBusLogs(this, { ...bus, key: this.encryptionKey, addKeyStatements: encryption.addKeyStatements }, props.logging, removalPolicy).logGroup;
    }
    this.verification = this.verify(props);
  }

  /**
   * Lets a principal start a replay of this archive into its bus, and follow the replay's progress.
   *
   * Grants `events:StartReplay` on this archive, this bus and replays of this account and region (a replay's name is
   * chosen when it starts, so it cannot be narrowed further), and `events:DescribeReplay` on those replays. No key
   * permission is needed: EventBridge decrypts the archived events itself, under the key-policy statements this
   * construct adds. No `iam:PassRole` either: a replay takes no role.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html
   */
  public grantStartReplay(grantee: iam.IGrantable): iam.Grant {
    const replays = formatArn(this, { service: 'events', resource: 'replay', resourceName: '*' });
    return iam.Grant.addToPrincipal({ grantee, actions: ['events:StartReplay'], resourceArns: [this.archiveArn, this.eventBusArn, replays] })
      .combine(iam.Grant.addToPrincipal({ grantee, actions: ['events:DescribeReplay'], resourceArns: [replays] }));
  }

  /**
   * Lets a principal read and delete the bus's dead letters, and decrypt them, in strict mode too.
   *
   * Grants the SQS consumer actions on the dead-letter queue and `kms:Decrypt` through SQS on the queue's key; then
   * `kms:Decrypt` on the bus key under this bus's encryption context only, because each dead letter is an "encrypted
   * event" whose payload the reader decrypts itself (AWS Encryption SDK, context `aws:events:event-bus:arn`). On keys
   * this stack defines, the key policy names the principal too (by `aws:PrincipalArn` for a role); for other keys the
   * construct warns with the statements their owner must add.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq-decrypt.html
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
   */
  public grantConsumeDeadLetters(grantee: iam.IGrantable): iam.Grant {
    if (!this.deadLetterQueue) {
      throw new PropValidationError(`${this.node.path}: grantConsumeDeadLetters: this construct archives an existing bus (eventBus), whose dead-letter queue it does not know; grant on that queue instead`);
    }
    return grantConsumeBusDeadLetters(this, grantee, this, this.deadLetterQueue, this.encryptionKey);
  }

  /**
   * Adds a rule on the archive's bus whose targets receive the matching events on customer managed keys.
   *
   * For each target, and for every target added later with `rule.addTarget(...)`, EventBridge gets what it needs to
   * deliver on the target's key, scoped to this rule:
   *
   * - an SQS queue (`targets.SqsQueue`): a queue-policy statement letting `events.amazonaws.com` send for this rule
   *   only (`aws:SourceArn`), and, on a customer managed key, the key statement the SQS guide documents for EventBridge,
   *   checked against this rule whenever EventBridge presents an `aws:SourceArn`;
   * - an SNS topic (`targets.SnsTopic`): a topic-policy statement for this rule only, and, on a customer managed key, the
   *   key statement SNS documents for EventBridge (SNS supports no `aws:SourceArn` or `aws:SourceAccount` there);
   * - a Kinesis stream, a Firehose stream, another event bus (`targets.KinesisStream`, `targets.FirehoseDeliveryStream`,
   *   `targets.EventBus`): the rule's own role (`<rule>/TargetRole`), trusted by EventBridge for this rule, may make the
   *   target's call on that target only, and on a stream's customer managed key generate data keys through Kinesis
   *   under that stream's context (in its policy and in the key's);
   * - every target's dead-letter queue (`deadLetterQueue`): the queue statement, and its key's statement, for this
   *   rule (aws-cdk-lib's targets never grant the dead-letter queue's key).
   *
   * A key of this stack gets the statements; any other key gets the `key-policy-statements-required` warning listing
   * them. Refused at synth: a queue, topic or dead-letter queue on an AWS managed key (`alias/aws/sqs`, `alias/aws/sns`:
   * their policies cannot let EventBridge's principal in), a target or dead-letter queue on the archive's key, a
   * dead-letter queue on its target's key (it keeps the events that failed because that key failed), a FIFO dead-letter
   * queue, one in another region, a target in another account or region, more than 5 targets. Failed deliveries raise
   * the archive's `failedInvocationsAlarm`.
   *
   * @param id the rule's construct id (a child of this construct)
   * @returns the rule
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
   * @see https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html
   */
  public addRule(id: string, props: EncryptedRuleProps): events.Rule {
    return addArchiveRule(this, id, props);
  }

  /**
   * Lets principals of an AWS organization put events on the bus from their own accounts.
   *
   * Adds to the bus policy (`AWS::Events::EventBusPolicy`, child `PutEventsFromOrganization`) the statement the
   * EventBridge guide shows for an organization: `events:PutEvents` on this bus for `Principal` `*` with
   * `aws:PrincipalOrgID`. Every call adds its organization to that one statement. The `*` is held by the condition:
   * only principals whose organization is the one named match (cdk-nag's `AwsSolutions-EVB1` accepts it for that
   * reason), and each of them still needs `events:PutEvents` in its own IAM policy. A producer that forwards events
   * with a rule must give the rule's target a role (`RoleArn`): with organization permissions EventBridge requires one.
   *
   * The key needs nothing more: EventBridge, not the producer, encrypts the event under this bus's key, with the
   * statements the construct already adds for `events.amazonaws.com` under this bus's encryption context.
   *
   * Only for a bus this stack defines (the new bus, or an `eventBus` of this stack): for another bus the error shows
   * the statement its owner must add.
   *
   * @param organizationId the organization's id, `o-` and 10 to 32 lowercase letters or digits
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-permissions-manage.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
   */
  public allowPutEventsFromOrganization(organizationId: string): void {
    allowOrganization(this, organizationId);
  }

  /**
   * Lets principals of other AWS accounts put events on the bus.
   *
   * Adds to the bus policy (`AWS::Events::EventBusPolicy`, child `PutEventsFromAccounts`) a statement allowing
   * `events:PutEvents` on this bus to the accounts' roots, as the EventBridge guide's cross-account examples do. Every
   * call adds its accounts to that one statement. Each producer still needs `events:PutEvents` in its own IAM policy;
   * the bus's own account needs no bus policy (use `eventBus.grantPutEventsTo`) and is refused here.
   *
   * The key needs nothing more: EventBridge, not the producer, encrypts the event under this bus's key.
   *
   * Only for a bus this stack defines (the new bus, or an `eventBus` of this stack): for another bus the error shows
   * the statement its owner must add.
   *
   * @param accountIds the producers' 12-digit account ids
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-example-policy-cross-account.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
   */
  public allowPutEventsFromAccounts(accountIds: string[]): void {
    allowAccounts(this, accountIds);
  }

  /**
   * The number of events waiting in the bus's dead-letter queue, or undefined for an existing bus, whose dead-letter
   * queue the construct does not know.
   *
   * The metric is SQS `ApproximateNumberOfMessagesVisible`, maximum over 5 minutes.
   */
  public metricDeadLetterQueueDepth(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined {
    return this.deadLetterQueue?.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.MAXIMUM,
      ...props,
    });
  }

  /**
   * Permanently failed invocations of all the rules on the bus (AWS/Events `FailedInvocations`, summed over the
   * bus's rules with a CloudWatch Metrics Insights query, 5 minutes).
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
   */
  public metricFailedInvocations(props?: cloudwatch.MathExpressionOptions): cloudwatch.IMetric {
    return new cloudwatch.MathExpression({
      expression: failedInvocationsQuery(this.eventBusName),
      usingMetrics: {},
      period: Duration.minutes(5),
      label: `FailedInvocations of rules on ${this.eventBusName}`,
      ...props,
    });
  }

  /**
   * The archive, with the key on its L1. `events.Archive`, not `EventBus.archive()`: the latter drops the key. The key
   * is set on the L1 rather than through `kmsKey`, which would add an unconditioned DescribeKey statement and a context
   * statement naming Fn::GetAtt.
   */
  private createArchive(props: EncryptedArchiveProps, removalPolicy: RemovalPolicy): events.Archive {
    const archive = new events.Archive(this, 'Resource', {
      sourceEventBus: this.eventBus,
      archiveName: this.archiveName,
      description: props.description ?? 'EventBridge archive encrypted with a customer managed KMS key (cdk-encrypted-constructs)',
      eventPattern: props.eventPattern ?? {},
      retention: props.retention,
    });
    (archive.node.defaultChild as events.CfnArchive).kmsKeyIdentifier = this.encryptionKey.keyArn;
    // The bus and the archive are named: RETAIN is RetainExceptOnCreate for them, so that a rolled-back first deploy
    // does not leave them behind to fail the retry with "already exists" (the queue is unnamed and keeps RETAIN).
    archive.applyRemovalPolicy(namedResourceRemovalPolicy(removalPolicy));
    return archive;
  }

  /**
   * The topic the alarms notify. Every alarm gets an action (Control Tower's CT.CLOUDWATCH.PR.1 reads AlarmActions at
   * deploy time): the user's topic, else one topic per stack shared by the library's alarms, never a topic (and its
   * policy) per archive. The keys the alarms and dead letters travel through are watched like the bus key (when the
   * stack audits).
   */
  private watchAlarmChannels(props: EncryptedArchiveProps): sns.ITopic {
    const alarmTopic = props.alarmTopic ?? SharedAlarmTopic.of(this);
    watchChannelKey(this, props.alarmTopic?.masterKey);
    watchChannelKey(this, props.deadLetterQueue?.encryptionMasterKey);
    return alarmTopic;
  }

  /** The statements that let EventBridge use the key for this bus and this archive only. */
  private addKeyStatements(encryption: Encryption): void {
    const statements = KeyPolicyStatements.eventBus({ ...stackEnvironment(this), eventBusArn: this.eventBusArn, archiveArn: this.archiveArn });
    encryption.addKeyStatements(statements, `the EventBridge event bus ${this.eventBusName}, its archive ${this.archiveName} and dead-letter queue`);
  }

  /** The deploy-time check that the archive (and the bus, when created here) name the key. */
  private verify(props: EncryptedArchiveProps): EncryptionVerification | undefined {
    const verified = [VerifiedResource.archive(this.archiveName, this.archiveArn, this.archive)];
    if (this.eventBusCreated) verified.unshift(VerifiedResource.eventBus(this.eventBusName, this.eventBusArn, this.eventBus));
    return verifyEncryption(this, props, this.encryptionKey, verified);
  }
}
