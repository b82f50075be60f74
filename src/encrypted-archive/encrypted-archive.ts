import { Annotations, Duration, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { eventPatternProblem } from './event-pattern';
import { watchChannelKey } from '../audit/audit-key';
import { checkEncryptionKey } from '../encrypted-resource/key-checks';
import { EncryptedResourceProps, IEncryptedResource } from '../encrypted-resource/props';
import { setUpEncryption, verifyEncryption } from '../encrypted-resource/setup';
import { formatArn, stackEnvironment } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { claimPhysicalName } from '../internal/physical-names';
import { namedResourceRemovalPolicy } from '../internal/removal-policies';
import { PropValidationError, PropValidator } from '../internal/validation';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { allowAlarmsToPublish, allowEventBridgeDeadLetters, SharedAlarmTopic } from '../stack/alarm-topic';
import { newDeadLetterQueue } from '../stack/dead-letter-queue';
import { allowFromSources } from '../stack/shared-statements';
import { EncryptionVerification, VerifiedResource } from '../verifier/encryption-verification';

/**
 * Properties of an `EncryptedArchive`.
 */
export interface EncryptedArchiveProps extends EncryptedResourceProps {
  /**
   * An existing event bus to archive, instead of a new one.
   *
   * The construct cannot set the key or the dead-letter queue of a bus it does not create: the archive is still
   * encrypted with the key, and the key policy still lets EventBridge use the key for this bus, but the bus itself
   * keeps whatever encryption it has. A synth-time warning (`cdk-encrypted-constructs:existing-event-bus`) says how to
   * encrypt it. The bus must be in the stack's account and region. Use
   * `EventBus.fromEventBusName(this, 'Default', 'default')` to archive the account's default bus.
   *
   * @default - a new custom event bus encrypted with the key, with a dead-letter queue
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-cmkey.html
   */
  readonly eventBus?: events.IEventBus;

  /**
   * Name of the new event bus: 1 to 256 letters, digits, `.`, `_` and `-`; not `default`.
   * Not allowed together with `eventBus`.
   *
   * @default - a name derived from the construct path (the key policy must name the bus before it exists)
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-eventbus.html#cfn-events-eventbus-name
   */
  readonly eventBusName?: string;

  /**
   * Name of the archive: 1 to 48 letters, digits, `.`, `_` and `-`.
   *
   * @default - a name derived from the construct path (the key policy must name the archive before it exists)
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html
   */
  readonly archiveName?: string;

  /**
   * Description of the archive, at most 512 characters.
   *
   * @default - a sentence saying the archive is encrypted with a customer managed key
   */
  readonly description?: string;

  /**
   * Which events of the bus go to the archive. A valid EventBridge pattern: each field maps to a non-empty array of
   * values or content filters (`prefix`, `suffix`, `anything-but`, `numeric`, `exists`, `cidr`,
   * `equals-ignore-case`, `wildcard`), or to a nested object of such fields (e.g. `detail`).
   *
   * @default - every event on the bus is archived (replayed events are never archived again)
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
   */
  readonly eventPattern?: events.EventPattern;

  /**
   * How long the archive keeps events, in whole days. `Duration.days(0)` keeps them indefinitely.
   *
   * @default - events are kept indefinitely
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html#eventbridge-CreateArchive-request-RetentionDays
   */
  readonly retention?: Duration;

  /**
   * The dead-letter queue of the new bus: EventBridge sends it the custom and partner events it cannot encrypt or
   * decrypt (for example while the key is disabled). The construct adds a queue policy that lets only
   * `events.amazonaws.com` send, only on behalf of this bus. Not allowed together with `eventBus`.
   *
   * EventBridge sends events here exactly when the bus key is disabled or missing, so the queue may not be encrypted
   * with the bus key (SQS could not encrypt with it either). Each message is an "encrypted event": read it with
   * `grantConsumeDeadLetters`, which also lets the reader decrypt the event under the bus's encryption context.
   *
   * @default - a new SQS queue encrypted with the stack's dead-letter key (the shared alarm topic's key, never the
   *            bus key), TLS only, 14 days retention
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq.html
   */
  readonly deadLetterQueue?: sqs.IQueue;

  /**
   * Where the alarms (dead-letter queue not empty, failed invocations of the bus's rules) send notifications.
   * Its policy gets a statement that lets CloudWatch publish for the library's alarms only; when the topic is encrypted
   * with a key defined in this stack, a statement lets CloudWatch use that key (only on behalf of this account).
   *
   * @default - the stack's shared alarm topic, created on first need (child `EncryptedConstructsAlarmTopic` of the
   * stack, encrypted with a key of its own, TLS only) and shared by every archive, schedule and RDS instance of the
   * stack given no topic; subscribe to it through `alarmTopic`
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * What happens to the bus, the archive and the dead-letter queue when they leave the stack. Deleting the archive
   * deletes every archived event. The key follows `keyOptions.removalPolicy`. On the bus and the archive, which have
   * fixed names, `RETAIN` becomes `RETAIN_ON_UPDATE_OR_DELETE`: kept on update and delete, but deleted when the deploy
   * that created them rolls back, so that the retry does not fail with "already exists".
   *
   * @default RemovalPolicy.RETAIN
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
   */
  readonly removalPolicy?: RemovalPolicy;
}

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
  public static readonly EXISTING_EVENT_BUS_WARNING = 'cdk-encrypted-constructs:existing-event-bus';

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

  constructor(scope: Construct, id: string, props: EncryptedArchiveProps = {}) {
    super(scope, id);
    validate(this, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    const encryption = setUpEncryption(this, props, 'an EventBridge event bus and its archive');
    this.encryptionKey = encryption.key;
    this.auditTrailArn = encryption.auditTrailArn;
    const env = stackEnvironment(this);
    const keyStatements: iam.PolicyStatement[] = [];

    // Names (and the ARNs built from them) are fixed before deploy, so the key policy needs no Fn::GetAtt.
    this.eventBusCreated = props.eventBus === undefined;
    this.archiveName = props.archiveName ?? deterministicName(this, 48);
    this.archiveArn = formatArn(this, { service: 'events', resource: 'archive', resourceName: this.archiveName });
    if (props.eventBus) {
      this.eventBus = props.eventBus;
      this.eventBusName = existingBusName(this, props.eventBus);
      this.eventBusArn = Token.isUnresolved(this.eventBusName)
        ? props.eventBus.eventBusArn
        : formatArn(this, { service: 'events', resource: 'event-bus', resourceName: this.eventBusName });
      warnAboutExistingBus(this, props.eventBus, this.eventBusName);
    } else {
      this.eventBusName = props.eventBusName ?? deterministicName(this, 256);
      this.eventBusArn = formatArn(this, { service: 'events', resource: 'event-bus', resourceName: this.eventBusName });
      const created = this.createEventBus(props, removalPolicy);
      this.eventBus = created.bus;
      this.deadLetterQueue = created.deadLetterQueue;
    }
    keyStatements.unshift(...KeyPolicyStatements.eventBus({ ...env, eventBusArn: this.eventBusArn, archiveArn: this.archiveArn }));

    // events.Archive, not EventBus.archive(): the latter drops the key. The key is set on the L1 rather than through
    // `kmsKey`, which would add an unconditioned DescribeKey statement and a context statement naming Fn::GetAtt.
    this.archive = new events.Archive(this, 'Resource', {
      sourceEventBus: this.eventBus,
      archiveName: this.archiveName,
      description: props.description ?? 'EventBridge archive encrypted with a customer managed KMS key (cdk-encrypted-constructs)',
      eventPattern: props.eventPattern ?? {},
      retention: props.retention,
    });
    const cfnArchive = this.archive.node.defaultChild as events.CfnArchive;
    cfnArchive.kmsKeyIdentifier = this.encryptionKey.keyArn;
    // The bus and the archive are named: RETAIN is RetainExceptOnCreate for them, so that a rolled-back first deploy
    // does not leave them behind to fail the retry with "already exists" (the queue is unnamed and keeps RETAIN).
    this.archive.applyRemovalPolicy(namedResourceRemovalPolicy(removalPolicy));

    // Every alarm gets an action (Control Tower's CT.CLOUDWATCH.PR.1 reads AlarmActions at deploy time): the user's
    // topic, else one topic per stack shared by the library's alarms, never a topic (and its policy) per archive.
    this.alarmTopic = props.alarmTopic ?? SharedAlarmTopic.of(this);
    // the keys the alarms and dead letters travel through are watched like the bus key (when the stack audits)
    watchChannelKey(this, props.alarmTopic?.masterKey);
    watchChannelKey(this, props.deadLetterQueue?.encryptionMasterKey);
    const notify = new cloudwatchActions.SnsAction(this.alarmTopic);
    if (this.deadLetterQueue) {
      this.deadLetterQueueAlarm = new cloudwatch.Alarm(this, 'DeadLetterQueueAlarm', {
        alarmDescription: `Events that EventBridge could not encrypt or decrypt on the bus ${this.eventBusName} are waiting in its dead-letter queue. Check that the key is enabled and its policy unchanged, then redrive them.`,
        metric: this.metricDeadLetterQueueDepth()!,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.deadLetterQueueAlarm.addAlarmAction(notify);
    }
    this.failedInvocationsAlarm = new cloudwatch.Alarm(this, 'FailedInvocationsAlarm', {
      alarmDescription: `At least one invocation of a rule on the event bus ${this.eventBusName} failed permanently (AWS/Events FailedInvocations).`,
      metric: this.metricFailedInvocations(),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failedInvocationsAlarm.addAlarmAction(notify);
    const alarms = [this.deadLetterQueueAlarm, this.failedInvocationsAlarm].filter((x): x is cloudwatch.Alarm => x !== undefined);
    allowAlarmsToPublish(this, this.alarmTopic, alarms, `the alarms of ${this.node.path}`);

    encryption.addKeyStatements(keyStatements, `the EventBridge event bus ${this.eventBusName}, its archive ${this.archiveName} and dead-letter queue`);

    const verified = [VerifiedResource.archive(this.archiveName, this.archiveArn, this.archive)];
    if (this.eventBusCreated) verified.unshift(VerifiedResource.eventBus(this.eventBusName, this.eventBusArn, this.eventBus));
    this.verification = verifyEncryption(this, props, this.encryptionKey, verified);
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
    const region = stackEnvironment(this).region;
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      resourceArns: [this.deadLetterQueue.queueArn],
    });
    const viaSqs = { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` } };
    const queueKey = this.deadLetterQueue.encryptionMasterKey;
    if (queueKey) {
      grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ['kms:Decrypt'], resourceArns: [queueKey.keyArn], conditions: viaSqs }));
      addKeyStatements(this, queueKey, [new iam.PolicyStatement({
        sid: 'ConsumeBusDeadLetters', principals: [grantee.grantPrincipal], actions: ['kms:Decrypt'], resources: ['*'], conditions: viaSqs,
      })], `readers of the dead-letter queue of the event bus ${this.eventBusName}`);
    }
    const busContext = { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': this.eventBusArn } };
    grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ['kms:Decrypt'], resourceArns: [this.encryptionKey.keyArn], conditions: busContext }));
    addKeyStatements(this, this.encryptionKey, [new iam.PolicyStatement({
      sid: 'DecryptBusDeadLetters', principals: [grantee.grantPrincipal], actions: ['kms:Decrypt'], resources: ['*'], conditions: busContext,
    })], `readers of the encrypted events in the dead-letter queue of the event bus ${this.eventBusName}`);
    return grant;
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
    // Rules on the default bus report RuleName only; rules on a custom bus report EventBusName and RuleName.
    const expression = this.eventBusName === 'default'
      ? 'SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", RuleName)'
      : `SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", EventBusName, RuleName) WHERE EventBusName = '${this.eventBusName}'`;
    return new cloudwatch.MathExpression({
      expression,
      usingMetrics: {},
      period: Duration.minutes(5),
      label: `FailedInvocations of rules on ${this.eventBusName}`,
      ...props,
    });
  }

  /** The new bus (key on its L1) and its dead-letter queue with the queue policy and key statements it needs. */
  private createEventBus(props: EncryptedArchiveProps, removalPolicy: RemovalPolicy) {
    const eventsPrincipal = new iam.ServicePrincipal('events.amazonaws.com');
    // Never on the bus key: EventBridge dead-letters exactly the events it could not encrypt with that key.
    const deadLetterQueue = props.deadLetterQueue
      ?? newDeadLetterQueue(this, 'DeadLetterQueue', { key: SharedAlarmTopic.keyOf(this), removalPolicy, usedBy: `the event bus ${this.eventBusName}` });

    // One statement per queue lists every bus that dead-letters into it (SQS: 20 statements, 8,192 bytes per policy).
    const sid = 'EventBridgeBusDeadLetters';
    if (!allowFromSources(deadLetterQueue, { sid, principal: eventsPrincipal, action: 'sqs:SendMessage' }, [this.eventBusArn])) {
      const sendStatement = new iam.PolicyStatement({
        sid,
        principals: [eventsPrincipal],
        actions: ['sqs:SendMessage'],
        resources: [deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.eventBusArn } },
      });
      Annotations.of(this).addWarningV2('cdk-encrypted-constructs:dead-letter-queue-policy-not-managed', [
        `The dead-letter queue ${Stack.of(this).resolve(deadLetterQueue.queueArn)} is not defined in this stack, so its policy cannot be edited here.`,
        'Its owner must add this statement to the queue policy, or EventBridge cannot deliver the events that fail encryption:',
        JSON.stringify(Stack.of(this).resolve(sendStatement.toStatementJson()), undefined, 2),
      ].join('\n'));
    }
    const queueKey = deadLetterQueue.encryptionMasterKey;
    if (!props.deadLetterQueue) {
      allowEventBridgeDeadLetters(this, [this.eventBusArn]);
    } else if (queueKey) {
      const queueKeyStatement = KeyPolicyStatements.queue({ ...stackEnvironment(this), principals: [eventsPrincipal], sourceArns: [this.eventBusArn] });
      addKeyStatements(this, queueKey, [queueKeyStatement], `the dead-letter queue of the event bus ${this.eventBusName}`);
    }

    const bus = new events.EventBus(this, 'EventBus', {
      eventBusName: this.eventBusName,
      description: 'EventBridge event bus encrypted with a customer managed KMS key and archived for replay (cdk-encrypted-constructs)',
      deadLetterQueue,
    });
    // Set on the L1: EventBus's `kmsKey` would add its own key statement next to ours.
    (bus.node.defaultChild as events.CfnEventBus).kmsKeyIdentifier = this.encryptionKey.keyArn;
    bus.applyRemovalPolicy(namedResourceRemovalPolicy(removalPolicy));
    return { bus, deadLetterQueue };
  }
}

/** The event pattern as CloudFormation will see it (`detailType` → `detail-type`, `Match` tokens resolved). */
function renderEventPattern(scope: Construct, pattern: events.EventPattern): unknown {
  const out: { [key: string]: unknown } = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (value !== undefined) out[key === 'detailType' ? 'detail-type' : key] = value;
  }
  return Stack.of(scope).resolve(out);
}

/**
 * The bus's name, a literal whenever it can be known: for a bus defined in this stack, the name on its L1 (its Ref
 * would tie the key policy to the bus); for an imported bus, the name it was imported with.
 */
function existingBusName(scope: Construct, bus: events.IEventBus): string {
  const cfn = bus.node.defaultChild;
  if (Resource.isOwnedResource(bus) && Stack.of(bus) === Stack.of(scope) && cfn instanceof events.CfnEventBus) {
    const name = Stack.of(scope).resolve(cfn.name);
    if (typeof name === 'string') return name;
  }
  return bus.eventBusName;
}

/** An existing bus keeps its own key and dead-letter queue: say so, unless it is in this stack and on this key. */
function warnAboutExistingBus(archive: EncryptedArchive, bus: events.IEventBus, busName: string): void {
  const stack = Stack.of(archive);
  const cfn = bus.node.defaultChild;
  const sameStack = Resource.isOwnedResource(bus) && Stack.of(bus) === stack && cfn instanceof events.CfnEventBus;
  if (sameStack) {
    const busKey = stack.resolve((cfn as events.CfnEventBus).kmsKeyIdentifier);
    if (busKey !== undefined && JSON.stringify(busKey) === JSON.stringify(stack.resolve(archive.encryptionKey.keyArn))) return;
  }
  const name = Token.isUnresolved(busName) ? '<bus name>' : busName;
  Annotations.of(archive).addWarningV2(EncryptedArchive.EXISTING_EVENT_BUS_WARNING, [
    `The event bus ${name} was not created by this construct: its archive is encrypted with the key, but the bus keeps its own encryption and dead-letter queue.`,
    sameStack
      ? 'Set its KmsKeyIdentifier to this construct\'s encryptionKey (and a DeadLetterConfig), or acknowledge this warning if it is on purpose.'
      : `Encrypt it with the key and give it a dead-letter queue: aws events update-event-bus --name ${name} --kms-key-identifier <key ARN> --dead-letter-config Arn=<queue ARN>`,
  ].join('\n'));
}

const MAX_RETENTION_DAYS = 2_147_483_647;
/** AWS::Events::Archive `EventPattern`: at most 4096 characters. */
const MAX_EVENT_PATTERN_LENGTH = 4096;
const NAME_CHARACTERS = 'letters, digits, ".", "_" and "-"';

/**
 * A custom event bus name must not start with `aws.` (EventBridge answers "EventBus name starting with 'aws.' is not
 * valid": the prefix belongs to partner event buses, `aws.partner/...`, which this construct does not create).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html
 * @see https://github.com/hashicorp/terraform-provider-aws/issues/35065 (the service's error message)
 */
const RESERVED_BUS_PREFIX = 'aws.';

/** Every prop error at once, naming the construct path, the prop, what was given and what is allowed. */
function validate(scope: Construct, props: EncryptedArchiveProps): void {
  const v = new PropValidator(scope);
  // JavaScript callers: the props object (all props are optional) and no null
  if (!v.props(props, {})) v.throwIfInvalid();
  const renderedPattern = props.eventPattern ? renderEventPattern(scope, props.eventPattern) : undefined;
  v.check(!(props.eventBus && props.eventBusName !== undefined), 'eventBusName', props.eventBusName,
    'must not be given together with eventBus: it names a bus the construct creates');
  v.check(!(props.eventBus && props.deadLetterQueue), 'deadLetterQueue', 'a queue',
    'must not be given together with eventBus: the construct can set the dead-letter queue only of a bus it creates (set it on your bus)', false);
  // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html (a disabled key: KMSDisabledException)
  v.check(props.encryptionKey === undefined || props.alarmTopic?.masterKey === undefined || props.alarmTopic.masterKey !== props.encryptionKey, 'alarmTopic',
    props.alarmTopic?.node.path, 'must not be encrypted with the bus key (encryptionKey): the dead-letter alarm fires when that key fails, and SNS cannot publish with a failed key; '
    + 'use a topic on another key, or omit alarmTopic', false);
  if (props.deadLetterQueue) {
    v.check(!props.deadLetterQueue.fifo, 'deadLetterQueue', props.deadLetterQueue.node.path,
      'must be a standard queue: EventBridge cannot use a FIFO queue as a dead-letter queue');
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq.html
    v.check(props.encryptionKey === undefined || props.deadLetterQueue.encryptionMasterKey !== props.encryptionKey, 'deadLetterQueue', props.deadLetterQueue.node.path,
      'must not be encrypted with the bus key (encryptionKey): EventBridge sends it the events it cannot encrypt because that key is disabled or missing, '
      + 'and SQS cannot encrypt with that key then either; use a queue on another key, or omit deadLetterQueue', false);
  }
  v.name('eventBusName', props.eventBusName, /^[A-Za-z0-9._-]+$/, 256, NAME_CHARACTERS);
  v.check(props.eventBusName !== 'default', 'eventBusName', props.eventBusName,
    'must not be "default": the default bus exists in every account and cannot be created; archive it with eventBus: EventBus.fromEventBusName(this, \'Default\', \'default\')');
  if (props.eventBusName !== undefined && !Token.isUnresolved(props.eventBusName)) {
    v.check(!props.eventBusName.startsWith(RESERVED_BUS_PREFIX), 'eventBusName', props.eventBusName,
      'must not start with "aws." (reserved for partner event buses)');
  }
  v.name('archiveName', props.archiveName, /^[A-Za-z0-9._-]+$/, 48, NAME_CHARACTERS);
  // two constructs of one stack deploying the same bus or archive: CloudFormation fails on the second
  claimPhysicalName(v, scope, 'eventBusName', 'EventBridge event bus', props.eventBus ? undefined : props.eventBusName);
  claimPhysicalName(v, scope, 'archiveName', 'EventBridge archive', props.archiveName);
  checkEncryptionKey(v, scope, props);
  if (props.description !== undefined && !Token.isUnresolved(props.description)) {
    v.check(props.description.length <= 512, 'description', `${props.description.length} characters`, 'must be at most 512 characters', false);
  }
  const days = props.retention?.toDays({ integral: false });
  if (days !== undefined && !Token.isUnresolved(days)) {
    v.check(Number.isInteger(days) && days >= 0 && days <= MAX_RETENTION_DAYS, 'retention', `${days} days`,
      `must be a whole number of days from 0 (keep events indefinitely) to ${MAX_RETENTION_DAYS}`, false);
  }
  if (props.eventPattern !== undefined) {
    const problem = eventPatternProblem(renderedPattern);
    v.check(problem === undefined, 'eventPattern', truncate(JSON.stringify(renderedPattern)),
      `must be a valid EventBridge event pattern (${problem}); omit it to archive every event`, false);
    const length = JSON.stringify(renderedPattern)?.length ?? 0;
    v.check(length <= MAX_EVENT_PATTERN_LENGTH, 'eventPattern', `${length} characters of JSON`,
      `must be at most ${MAX_EVENT_PATTERN_LENGTH} characters of JSON, the most AWS::Events::Archive accepts`, false);
  }
  if (props.eventBus !== undefined && (typeof props.eventBus !== 'object' || typeof props.eventBus.env !== 'object')) {
    v.check(false, 'eventBus', typeof props.eventBus, 'must be an events.IEventBus (e.g. EventBus.fromEventBusName(this, \'Bus\', \'orders\'))', false);
  } else if (props.eventBus) {
    const stack = Stack.of(scope);
    const { account, region } = props.eventBus.env;
    const differs = (a: string, b: string) => !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
    v.check(!differs(account, stack.account) && !differs(region, stack.region), 'eventBus', `a bus in ${account}/${region}`,
      `must be in the stack's account and region (${stack.account}/${stack.region}): an archive receives events only from a bus of its own account and region`, false);
  }
  v.throwIfInvalid();
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
