import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EncryptedResourceProps } from '../encrypted-resource/props';

/**
 * How an `EncryptedSchedule`'s key-policy statements name it: one set per schedule, or one per schedule group.
 */
export enum ScheduleKeyPolicyScope {
  /** Statements name the schedule's ARN and its execution role: the narrowest key policy, about 1.5 KB per schedule. */
  SCHEDULE = 'SCHEDULE',
  /**
   * Statements name the schedule group (`schedule/<group>/*`) and the execution roles under the group's IAM path: one
   * set per group, for hundreds of schedules on one key (KMS accepts key policies up to 32 KB).
   */
  SCHEDULE_GROUP = 'SCHEDULE_GROUP',
}

/**
 * Properties of an `EncryptedSchedule`.
 */
export interface EncryptedScheduleProps extends EncryptedResourceProps {
  /**
   * When the schedule runs: a one-time `at()`, a `rate()` or a `cron()` expression, with its time zone.
   *
   * An `at()` time that has already passed is accepted with a warning (such a schedule never runs).
   *
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
   */
  readonly schedule: scheduler.ScheduleExpression;

  /**
   * What the schedule invokes: any `aws-scheduler-targets` target (`LambdaInvoke`, `SqsSendMessage`, `SnsPublish`,
   * `StepFunctionsStartExecution`, `EventBridgePutEvents`, `Universal`, ...). Its input is the payload the key encrypts
   * (at most 256 KB).
   *
   * Build the target without a `role`: the construct then invokes it through its own execution role, whose
   * permissions are confined to the target and this schedule. A target given its own role (or a custom
   * `IScheduleTarget`) keeps that role, with a warning. The target's `deadLetterQueue` is used when the
   * `deadLetterQueue` prop is not given; the `retryAttempts` and `maxEventAge` props override the target's.
   *
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets.html
   */
  readonly target: scheduler.IScheduleTarget;

  /**
   * Name of the schedule: 1 to 64 letters, digits, `-`, `_` and `.`.
   *
   * @default - a name derived from the construct path (stable across deployments). The key policy names the schedule's
   * ARN, so the name must be known before deploy.
   */
  readonly scheduleName?: string;

  /**
   * The schedule group the schedule belongs to. The Scheduler metrics behind the alarms are per group: give the
   * schedule a group of its own to alarm on it alone.
   *
   * @default - the account's `default` group
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-group.html
   */
  readonly scheduleGroup?: scheduler.IScheduleGroup;

  /**
   * How the key policy names this schedule: by its own ARN and execution role (`SCHEDULE`, the narrowest policy, about
   * 1.5 KB per schedule, so about 20 schedules fill KMS's 32 KB on one shared key), or by its schedule group
   * (`SCHEDULE_GROUP`: one set of statements per group, however many schedules of the group share the key).
   *
   * With `SCHEDULE_GROUP`, the construct's execution role gets the IAM path `/cdk-encrypted-constructs/scheduler/<group>/`
   * and the key policy lets Scheduler and execution roles under that path use the key for any schedule of the group
   * (`kms:EncryptionContext:aws:scheduler:schedule:arn` like `schedule/<group>/*`). Each execution role's own IAM policy
   * still allows decrypting only its schedule's payload, and Scheduler only sends a schedule's own ARN as context; what
   * the key policy alone no longer separates is one schedule of the group from another. For the same reason, schedules
   * of one group on an `encryptionKey` you give share one dead-letter queue and its alarm (see `deadLetterQueue`).
   *
   * @default ScheduleKeyPolicyScope.SCHEDULE
   */
  readonly keyPolicyScope?: ScheduleKeyPolicyScope;

  /**
   * Description of the schedule, at most 512 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Whether the schedule invokes its target.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The flexible time window: Scheduler invokes the target at some moment within this long after the scheduled time,
   * which spreads load. From 1 to 1440 whole minutes.
   *
   * @default - no flexible window: the target is invoked at the scheduled time
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-flexible-time-windows.html
   */
  readonly timeWindow?: Duration;

  /**
   * The date, in UTC, after which a recurring schedule may start invoking its target (ignored by one-time schedules).
   *
   * @default - no start date
   */
  readonly start?: Date;

  /**
   * The date, in UTC, before which a recurring schedule may invoke its target (ignored by one-time schedules).
   * Must be after `start`.
   *
   * @default - no end date
   */
  readonly end?: Date;

  /**
   * Where Scheduler sends the payload of an invocation that failed after all retries. Must be a standard (not FIFO)
   * queue. A queue you bring is used as it is: when its key is defined in this stack the construct adds the execution
   * role's statements to that key's policy; otherwise a warning lists them.
   *
   * @default - a new SQS queue encrypted with the stack's dead-letter key (never the schedule's key, whose failure
   * would lose the dead letters), TLS enforced, messages kept 14 days, retained on delete (or the target's
   * `deadLetterQueue`, when it has one). With `keyPolicyScope: SCHEDULE_GROUP` and an
   * `encryptionKey` you give, one such queue (and its alarm) per schedule group and key in the stack, shared by those
   * schedules (child `SchedulerDeadLetters<hash>` of the stack)
   * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
   */
  readonly deadLetterQueue?: sqs.IQueue;

  /**
   * How many times Scheduler retries a failed invocation before it sends the payload to the dead-letter queue:
   * 0 to 185.
   *
   * @default - the target's `retryAttempts`, else 185
   * @see https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
   */
  readonly retryAttempts?: number;

  /**
   * How long Scheduler keeps retrying an invocation: 60 seconds to 24 hours.
   *
   * @default - the target's `maxEventAge`, else 24 hours
   * @see https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
   */
  readonly maxEventAge?: Duration;

  /**
   * The SNS topic the alarms notify (dead-letter messages, target errors, dropped invocations, dead-letter failures).
   * Its policy gets a statement that lets CloudWatch publish for these alarms only; when the topic is encrypted with a
   * key defined in this stack, a statement lets CloudWatch use that key (only on behalf of this account).
   *
   * @default - the stack's shared alarm topic, created on first need (child `EncryptedConstructsAlarmTopic` of the
   * stack, encrypted with a key of its own, TLS only) and shared by every schedule of the stack given no topic;
   * subscribe to it through `alarmTopic`
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
   */
  readonly alarmTopic?: sns.ITopic;
}
