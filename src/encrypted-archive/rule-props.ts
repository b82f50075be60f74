import * as events from 'aws-cdk-lib/aws-events';

/**
 * Properties of a rule on an `EncryptedArchive`'s event bus (`addRule`): `events.RuleProps` without what a rule on
 * this bus cannot take.
 *
 * The members are declared here rather than inherited from `events.RuleProps`, so that API.md and the other
 * languages (Python's keyword arguments, Java's builder) show exactly what the rule accepts:
 *
 * - no `eventBus`: the rule is on the archive's bus;
 * - no `schedule`: "You can only create scheduled rules using the default event bus"; use EventBridge Scheduler
 *   (`EncryptedSchedule`) for schedules, so `eventPattern` is required;
 * - no `role` and no `crossStackScope`: targets are delivered in the archive's account and region, each with the
 *   permissions the library writes for it (a target's own role, when it takes one, is the target's option).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-rule-schedule.html
 */
export interface EncryptedRuleProps {
  /**
   * Which events of the bus the rule sends to its targets: a valid EventBridge event pattern.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
   */
  readonly eventPattern: events.EventPattern;

  /**
   * The targets that receive the matching events. SQS queues, SNS topics, Kinesis and Firehose streams, other event
   * buses and the targets' dead-letter queues get the key-policy, resource-policy and role statements EventBridge needs
   * on customer managed keys, scoped to this rule; targets added later with `rule.addTarget(...)` are handled the same
   * way.
   *
   * EventBridge allows up to 5 targets per rule.
   *
   * @default - no targets (add them with `rule.addTarget(...)`)
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html
   */
  readonly targets?: events.IRuleTarget[];

  /**
   * Name of the rule: 1 to 64 letters, digits, `.`, `-` and `_`, unique on the bus.
   *
   * @default - a name derived from the construct path (the key policies name the rule's ARN before it exists)
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html#eventbridge-PutRule-request-Name
   */
  readonly ruleName?: string;

  /**
   * Description of the rule, at most 512 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Whether the rule is enabled.
   *
   * @default true
   */
  readonly enabled?: boolean;
}
