/**
 * What EventBridge documents for event bus logs: the log levels and the vended-log types they are delivered as, the
 * log group name the console uses, and the key-policy statements a bus on a customer managed key needs for its logs.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { keyEnvironment, KeyStatementEnvironment } from '../kms/environment';

/**
 * The levels that log (OFF logs nothing), from least to most, with the vended-log type of each. A bus at one level
 * writes that level's records and those of every level before it ("INFO: errors, as well as major steps"; "TRACE:
 * all steps"), so a bus at a level needs one delivery source per log type up to and including its own.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-logs.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_LogConfig.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html (EventBridge event
 *      bus logs: ERROR_LOGS, INFO_LOGS, TRACE_LOGS, "Supported [V2 Permissions]")
 */
export const BUS_LOG_LEVELS: ReadonlyArray<{ readonly level: string; readonly logType: string }> = [
  { level: 'ERROR', logType: 'ERROR_LOGS' },
  { level: 'INFO', logType: 'INFO_LOGS' },
  { level: 'TRACE', logType: 'TRACE_LOGS' },
];

/** The `IncludeDetail` values of a bus's `LogConfig`. @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_LogConfig.html */
export const BUS_LOG_DETAILS = ['NONE', 'FULL'];

/** The vended-log types a bus at `level` writes, in order; empty for OFF or an unknown level. */
export function busLogTypes(level: string): string[] {
  const index = BUS_LOG_LEVELS.findIndex(l => l.level === level);
  return index < 0 ? [] : BUS_LOG_LEVELS.slice(0, index + 1).map(l => l.logType);
}

/**
 * The name of a bus's log group, as the EventBridge console names the group it creates:
 * `/aws/vendedlogs/events/event-bus/<bus name>` (at most 33 + 256 characters, within CloudWatch Logs' 512).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
 */
export function busLogGroupName(eventBusName: string): string {
  return `/aws/vendedlogs/events/event-bus/${eventBusName}`;
}

/**
 * Names of delivery sources and delivery destinations: 1 to 60 word characters and `-`, unique in the account.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliverySource.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliveryDestination.html
 */
export const DELIVERY_NAME_MAX_LENGTH = 60;

/**
 * The value EventBridge puts in the `SourceArn` encryption context of every KMS call for a bus's logs, as the guide
 * documents it: an ARN of CloudWatch Logs in the bus's account and region, `arn:<partition>:logs:<region>:<account>:*`.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-bus-logs.html
 */
export function busLogContextPattern(props: KeyStatementEnvironment): string {
  const e = keyEnvironment(props);
  return `arn:${e.partition}:logs:${e.region}:${e.account}:*`;
}

/**
 * The two statements the EventBridge guide requires on the key of a bus whose logs are enabled ("for event buses using
 * a customer managed key, you must add the following permissions"): EventBridge encrypts the `detail` and `error`
 * sections of each record in transit with the bus key (`kms:GenerateDataKey`), and CloudWatch Logs' delivery service
 * decrypts them before the destination re-encrypts them with its own key (`kms:Decrypt`, `kms:GenerateDataKey`).
 * Both are conditioned, as documented, on the `SourceArn` context naming CloudWatch Logs in this account and region.
 * The guide documents no `aws:SourceArn`/`aws:SourceAccount` condition for these calls, so none is added: a condition
 * the service does not meet would silently drop the logs.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-bus-logs.html
 */
export function busLogStatements(props: KeyStatementEnvironment): iam.PolicyStatement[] {
  const context = { StringLike: { 'kms:EncryptionContext:SourceArn': busLogContextPattern(props) } };
  return [
    new iam.PolicyStatement({
      sid: 'EventBridgeBusLogs',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey'],
      resources: ['*'],
      conditions: context,
    }),
    new iam.PolicyStatement({
      sid: 'LogDeliveryBusLogs',
      principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: context,
    }),
  ];
}
