/**
 * What EventBridge accepts for a rule on a custom event bus and for its targets' dead-letter queues, each fact with the
 * page it comes from.
 */
export const RULE_FACTS = {
  /**
   * A rule name: 1 to 64 letters, digits, `.`, `-` and `_`.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html#eventbridge-PutRule-request-Name
   */
  namePattern: /^[\.\-_A-Za-z0-9]+$/,
  nameMaxLength: 64,
  nameCharacters: 'letters, digits, ".", "-" and "_"',
  /**
   * A rule description: at most 512 characters.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html#eventbridge-PutRule-request-Description
   */
  descriptionMaxLength: 512,
  /**
   * A rule's event pattern: at most 4096 characters of JSON (the PutRule limit; the account's "Event pattern size"
   * quota, 2048 by default and adjustable, is not checked here).
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html#eventbridge-PutRule-request-EventPattern
   */
  maxEventPatternLength: 4096,
  /**
   * Targets: "Maximum 5 targets per rule".
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
   */
  maxTargets: 5,
  /**
   * "You can only create scheduled rules using the default event bus": a rule on a custom bus matches an event
   * pattern, never a schedule (EventBridge Scheduler is the service for schedules).
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-rule-schedule.html
   */
  scheduledRulesOnDefaultBusOnly: true,
  /**
   * A target's dead-letter queue: a standard SQS queue ("You can't use a FIFO queue for a DLQ in EventBridge") in
   * the rule's Region ("The Amazon SQS queue you use must be in the same Region in which you create the rule"). A queue
   * of another account is allowed: its owner attaches the queue-policy statement.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
   */
  deadLetterQueueStandardOnly: true,
  deadLetterQueueSameRegion: true,
};

/**
 * The ARN of a rule, by its bus and name: `rule/<name>` on the default bus, `rule/<bus>/<name>` on a custom bus (the
 * form `aws:SourceArn` carries and IAM authorizes against).
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html#amazoneventbridge-resources-for-iam-policies
 */
export function ruleResourceName(eventBusName: string, ruleName: string): string {
  return eventBusName === 'default' ? ruleName : `${eventBusName}/${ruleName}`;
}
