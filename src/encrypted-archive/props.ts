import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { BusLogging } from './bus-logging';
import { EncryptedResourceProps } from '../encrypted-resource/props';

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

  /**
   * Logging of the new bus: EventBridge's records of how it processes events (errors; or also the major steps; or
   * every step), delivered through CloudWatch Logs' vended-log resources to a log group encrypted with a customer
   * managed key (the stack's dead-letter key unless given, never the bus key), kept one year unless told otherwise.
   * The bus key gets the statements EventBridge documents for encrypting the records in transit. Not allowed together
   * with `eventBus`.
   *
   * @default - the bus does not log
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-logs.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-bus-logs.html
   */
  readonly logging?: BusLogging;
}
