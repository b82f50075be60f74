/**
 * What Secrets Manager documents about rotating a secret another service manages (an RDS-managed master user secret):
 * the schedule it accepts, the schedule RDS sets, whether CloudFormation can change it, and the events that report a
 * failed rotation. Imports nothing, so any room may use it.
 */

/**
 * RDS rotates the master user secret it manages every seven days unless someone changes the schedule ("RDS manages
 * the settings for the secret and rotates the secret every seven days by default. You can modify some of the settings,
 * such as the rotation schedule").
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-overview
 */
export const RDS_MANAGED_ROTATION_DAYS = 7;

/**
 * The rotation periods the construct takes, as a `rate()` `ScheduleExpression` (the form the managed-rotation guide's
 * command and the console use): below a day, whole hours from 4 ("You can rotate a secret as often as every four
 * hours"); else whole days up to 999 ("The maximum rotation period is 999 days"; `AutomaticallyAfterDays` alone would
 * take 1000). Periods of a day or more that are not whole days are refused: the docs give no upper bound for a rate in
 * hours, and a rotation window may not reach into the next rotation window.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html
 */
export const ROTATION_PERIOD = {
  minHours: 4,
  maxDays: 999,
  allowed: 'a whole number of hours from 4 to 23, or of days from 1 to 999',
};

/**
 * The `ScheduleExpression` of a rotation period given in hours (`rate(N days)` for whole days, `rate(1 day)` for one,
 * else `rate(N hours)`), or `undefined` when Secrets Manager does not take the period (see {@link ROTATION_PERIOD}).
 * The unit may be `hour`, `hours`, `day` or `days`.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 */
export function rotationScheduleExpression(hours: number): string | undefined {
  if (!Number.isInteger(hours) || hours < ROTATION_PERIOD.minHours) return undefined;
  if (hours < 24) return `rate(${hours} hours)`;
  const days = hours / 24;
  if (!Number.isInteger(days) || days > ROTATION_PERIOD.maxDays) return undefined;
  return days === 1 ? 'rate(1 day)' : `rate(${days} days)`;
}

/**
 * How the schedule of an RDS-managed secret is changed: the Secrets Manager console or `rotate-secret
 * --rotation-rules`, with no rotation function ("For secrets that use managed rotation, omit this field",
 * `RotateSecret`'s `RotationLambdaARN`). CloudFormation documents no way: `AWS::SecretsManager::RotationSchedule`
 * "configure[s] the rotation schedule and Lambda rotation function for a secret", asks to choose `HostedRotationLambda`
 * or `RotationLambdaARN`, and for RDS master user credentials points to `AWS::RDS::DBCluster MasterUserSecret`, which
 * holds only `KmsKeyId` and `SecretArn`. RDS's `ModifyDBInstance` and `ModifyDBCluster` offer `RotateMasterUserPassword`
 * (rotate now), not a schedule. A template resource the docs do not describe for this secret could fail a deploy, so the
 * library writes no rotation schedule, and states the command instead.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-rotationschedule.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-rds-dbcluster-masterusersecret.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
 */
export function managedRotationCommand(secretArn: string, scheduleExpression: string): string {
  return `aws secretsmanager rotate-secret --secret-id ${secretArn} --rotation-rules '{"ScheduleExpression":"${scheduleExpression}"}'`;
}

/**
 * The CloudTrail events of a rotation that did not complete, as Secrets Manager records them (`eventType`
 * `AwsServiceEvent`, the secret's full ARN in `additionalEventData.SecretId`): `RotationFailed` ("Generated when
 * rotation fails") and `TestRotationFailed` (a rotation configured without an immediate rotation failed its test).
 * `RotationAbandoned` is left out: Secrets Manager abandons a rotation when a new version of the secret is created
 * during it, and the secret then holds that version, a working one.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html
 * @see https://github.com/awsdocs/aws-secrets-manager-docs/blob/c3b51ccd07d474206fae2b1b104d16336cace5f1/doc_source/retrieve-ct-entries.md (a `RotationFailed` entry, with `additionalEventData.SecretId`)
 */
export const ROTATION_FAILURE_EVENT_NAMES = ['RotationFailed', 'TestRotationFailed'];

/**
 * The `detail-type` under which CloudTrail hands EventBridge the events "created by AWS services but ... not directly
 * triggered by a request to a public AWS service API". EventBridge documents a trail as required only for
 * `AWS API Call via CloudTrail`, and AWS services deliver these events on a best-effort basis.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/event-types.html
 */
export const SERVICE_EVENT_DETAIL_TYPE = 'AWS Service Event via CloudTrail';

/**
 * The event pattern of a failed rotation of one secret: Secrets Manager's service events, by event name, for the
 * secret's full ARN (as `additionalEventData.SecretId` holds it).
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-eventbridge.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html
 */
export function rotationFailurePattern(secretArn: string): { source: string[]; detailType: string[]; detail: { [key: string]: unknown } } {
  return {
    source: ['aws.secretsmanager'],
    detailType: [SERVICE_EVENT_DETAIL_TYPE],
    detail: {
      eventSource: ['secretsmanager.amazonaws.com'],
      eventName: ROTATION_FAILURE_EVENT_NAMES,
      additionalEventData: { SecretId: [secretArn] },
    },
  };
}
