/**
 * What EventBridge and CloudFormation accept for an event bus and its archive, in one place, each fact with the page
 * it comes from.
 */
export const ARCHIVE_FACTS = {
  /**
   * Event bus and archive names: letters, digits, `.`, `_` and `-`.
   *
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-eventbus.html#cfn-events-eventbus-name
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html
   */
  namePattern: /^[A-Za-z0-9._-]+$/,
  nameCharacters: 'letters, digits, ".", "_" and "-"',
  /**
   * A custom event bus name: 1 to 256 characters.
   *
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-eventbus.html#cfn-events-eventbus-name
   */
  busNameMaxLength: 256,
  /** The name of the bus every account has, which cannot be created. */
  defaultBusName: 'default',
  /**
   * A custom event bus name must not start with `aws.` (EventBridge answers "EventBus name starting with 'aws.' is not
   * valid": the prefix belongs to partner event buses, `aws.partner/...`, which this construct does not create).
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html
   * @see https://github.com/hashicorp/terraform-provider-aws/issues/35065 (the service's error message)
   */
  reservedBusPrefix: 'aws.',
  /**
   * An archive name: 1 to 48 characters.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html
   */
  archiveNameMaxLength: 48,
  /**
   * An archive description: at most 512 characters.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html
   */
  descriptionMaxLength: 512,
  /**
   * `RetentionDays`: a whole number of days, 0 keeping events indefinitely (the API reference gives only the minimum;
   * the maximum is its integer type's).
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html#eventbridge-CreateArchive-request-RetentionDays
   */
  maxRetentionDays: 2_147_483_647,
  /**
   * AWS::Events::Archive `EventPattern`: at most 4096 characters.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html#eventbridge-CreateArchive-request-EventPattern
   */
  maxEventPatternLength: 4096,
};

/**
 * The AWS/Events `FailedInvocations` of every rule on a bus, as a CloudWatch Metrics Insights query. Rules on the
 * default bus report the dimension `RuleName` only; rules on a custom bus report `EventBusName` and `RuleName`.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
 */
export function failedInvocationsQuery(eventBusName: string): string {
  return eventBusName === ARCHIVE_FACTS.defaultBusName
    ? 'SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", RuleName)'
    : `SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", EventBusName, RuleName) WHERE EventBusName = '${eventBusName}'`;
}
