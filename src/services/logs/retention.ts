/**
 * CloudWatch Logs retention: the periods the service accepts.
 */
import { Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { PropValidator } from '../../internal/validation';

/**
 * The retention periods CloudWatch Logs accepts, in days (and `RetentionDays.INFINITE`, which aws-cdk-lib renders as
 * no retention).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Records an error unless `days` is a retention CloudWatch Logs accepts (undefined and tokens are skipped). */
export function checkLogRetention(v: PropValidator, prop: string, days: logs.RetentionDays | number | undefined): void {
  if (days === undefined || Token.isUnresolved(days)) return;
  v.check(days === logs.RetentionDays.INFINITE || LOG_RETENTION_DAYS.includes(days), prop, `${days} days`,
    `allowed: ${LOG_RETENTION_DAYS.join(', ')} days or RetentionDays.INFINITE (use logs.RetentionDays)`, false);
}
