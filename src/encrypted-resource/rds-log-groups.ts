import { Annotations, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { namedResourceRemovalPolicy } from '../internal/removal-policies';

/** What an RDS construct's props say of log exports (as `rds.DatabaseInstanceProps` and `rds.DatabaseClusterProps` name it). */
export interface LogExportProps {
  readonly cloudwatchLogsExports?: string[];
  readonly cloudwatchLogsRetention?: logs.RetentionDays;
  readonly cloudwatchLogsRetentionRole?: unknown;
}

/** The log types the database exports: `cloudwatchLogsExports`, else the engine's default ones. */
export function exportedLogTypes(props: LogExportProps, defaultLogTypes: string[]): string[] {
  return props.cloudwatchLogsExports ?? defaultLogTypes;
}

/**
 * The log groups the database exports to, created before it (child `<LogType>LogGroup`), encrypted with the key and
 * kept `cloudwatchLogsRetention` (default one year): RDS would create them unencrypted and keep them forever.
 *
 * @param logGroupName the name RDS writes a log type to (`services/rds`: per instance or per cluster)
 */
export function exportedLogGroups(scope: Construct, props: LogExportProps, logTypes: string[], logGroupName: (logType: string) => string,
  key: kms.IKey): { [logType: string]: logs.ILogGroup } {
  const logGroups: { [logType: string]: logs.ILogGroup } = {};
  for (const logType of logTypes) {
    logGroups[logType] = new logs.LogGroup(scope, `${pascal(logType)}LogGroup`, {
      logGroupName: logGroupName(logType),
      encryptionKey: key,
      retention: props.cloudwatchLogsRetention ?? logs.RetentionDays.ONE_YEAR,
      // Named after the database: RetainExceptOnCreate, or a rolled-back first deploy leaves them to block the retry.
      // The database keeps its own policy (Snapshot unless given): a rolled-back create already deletes it.
      removalPolicy: namedResourceRemovalPolicy(RemovalPolicy.RETAIN),
    });
  }
  if (props.cloudwatchLogsRetentionRole) {
    Annotations.of(scope).addWarningV2('cdk-encrypted-constructs:rds-log-retention-role-unused',
      'cloudwatchLogsRetentionRole is not used: the construct creates the log groups itself, with their retention, so no retention function runs.');
  }
  return logGroups;
}

/** `postgresql` -> `Postgresql`, `slowquery` -> `Slowquery`. */
function pascal(text: string): string {
  return text.split(/[^A-Za-z0-9]/).filter(Boolean).map(w => w[0].toUpperCase() + w.slice(1)).join('');
}
