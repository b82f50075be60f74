import { Annotations, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EncryptedRdsInstanceProps } from './props';
import { namedResourceRemovalPolicy } from '../internal/removal-policies';
import { EngineFacts } from '../services/rds/engine-facts';
import { exportedLogGroupName } from '../services/rds/instance-facts';

/** The log types the instance exports: `cloudwatchLogsExports`, else every log type of the engine. */
export function exportedLogTypes(props: EncryptedRdsInstanceProps, facts: EngineFacts): string[] {
  return props.cloudwatchLogsExports ?? facts.logTypes;
}

/**
 * The log groups the instance exports to, created before the instance (child `<LogType>LogGroup`), encrypted with the
 * key and kept `cloudwatchLogsRetention` (default one year): RDS would create them unencrypted and keep them forever.
 */
export function exportedLogGroups(scope: Construct, props: EncryptedRdsInstanceProps, logTypes: string[], instanceIdentifier: string,
  key: kms.IKey): { [logType: string]: logs.ILogGroup } {
  const logGroups: { [logType: string]: logs.ILogGroup } = {};
  for (const logType of logTypes) {
    logGroups[logType] = new logs.LogGroup(scope, `${pascal(logType)}LogGroup`, {
      logGroupName: exportedLogGroupName(instanceIdentifier, logType),
      encryptionKey: key,
      retention: props.cloudwatchLogsRetention ?? logs.RetentionDays.ONE_YEAR,
      // Named after the instance: RetainExceptOnCreate, or a rolled-back first deploy leaves them to block the retry.
      // The instance keeps its own policy (Snapshot unless given): a rolled-back create already deletes it.
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
