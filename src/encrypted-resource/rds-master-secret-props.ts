import { Duration } from 'aws-cdk-lib';

/**
 * What an RDS construct whose master user password RDS manages in Secrets Manager accepts about that secret.
 */
export interface RdsMasterSecretProps {
  /**
   * How often the master user secret should be rotated: whole hours from 4 to 23, or whole days from 1 to 999.
   *
   * RDS rotates the secret it manages with Secrets Manager's managed rotation, every 7 days unless the schedule is
   * changed. CloudFormation documents no way to change the schedule of a secret another service manages
   * (`AWS::SecretsManager::RotationSchedule` is documented for rotation by a Lambda function only), and a resource the
   * docs do not describe could fail the deploy, so the construct writes no rotation schedule: for any other period it
   * adds a synth-time warning (`cdk-encrypted-constructs:rds-master-secret-rotation-manual`) with the one command that
   * sets it after the first deploy (`aws secretsmanager rotate-secret --secret-id <secret ARN> --rotation-rules
   * '{"ScheduleExpression":"rate(30 days)"}'`, which also rotates the secret once right away). Acknowledge the warning
   * once the schedule is set. Whatever the period, a failed rotation raises an alert (the construct's
   * `masterSecretRotationFailureRule`).
   *
   * @default - RDS's schedule: every 7 days
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-overview
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html
   * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
   */
  readonly masterSecretRotation?: Duration;
}
