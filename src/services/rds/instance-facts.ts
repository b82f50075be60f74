/**
 * What RDS accepts for a DB instance's identifier, master user name, port, backup retention and Enhanced Monitoring
 * interval, where it writes exported logs, and what Enhanced Monitoring needs. Shared by every RDS construct (a DB
 * cluster's instances follow the same rules), each fact with the page it comes from.
 */

/**
 * `DBInstanceIdentifier`: 1 to 63 letters, digits and hyphens, starting with a letter, not ending with a hyphen and
 * without two consecutive hyphens. RDS stores it in lower case.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html#API_CreateDBInstance_RequestParameters
 */
export const INSTANCE_IDENTIFIER = {
  pattern: /^[A-Za-z](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]$|^[A-Za-z]$/,
  maxLength: 63,
  allowed: 'letters, digits and single hyphens, starting with a letter and not ending with a hyphen',
};

/**
 * `MasterUsername`: letters, digits and underscores, starting with a letter (its longest length depends on the engine,
 * see `EngineFacts.maxUsernameLength`), never a word the engine reserves, and never `rdsadmin`, the account RDS itself
 * uses to manage the instance.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html#API_CreateDBInstance_RequestParameters
 */
export const MASTER_USERNAME = {
  pattern: /^[A-Za-z][A-Za-z0-9_]*$/,
  allowed: 'letters, digits and "_", starting with a letter',
  reservedByRds: 'rdsadmin',
};

/**
 * `Port` of an RDS for PostgreSQL, MySQL or MariaDB instance: 1150 to 65535.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html#API_CreateDBInstance_RequestParameters
 */
export const PORT = { min: 1150, max: 65535 };

/**
 * `BackupRetentionPeriod`: 0 (automated backups off) to 35 days.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html#API_CreateDBInstance_RequestParameters
 */
export const BACKUP_RETENTION_DAYS = { min: 0, max: 35 };

/**
 * `MonitoringInterval`, in seconds: 0 (Enhanced Monitoring off), 1, 5, 10, 15, 30 or 60.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html#API_CreateDBInstance_RequestParameters
 */
export const MONITORING_INTERVALS_SECONDS: readonly number[] = [0, 1, 5, 10, 15, 30, 60];

/**
 * The log group RDS exports an instance's log of one type to: `/aws/rds/instance/<identifier>/<log type>` (e.g.
 * `/aws/rds/instance/my_instance/slowquery`). RDS creates it, unencrypted and kept forever, unless it exists.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.MySQLDB.PublishtoCloudWatchLogs.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.MariaDB.PublishtoCloudWatchLogs.html
 */
export function exportedLogGroupName(instanceIdentifier: string, logType: string): string {
  return `/aws/rds/instance/${instanceIdentifier}/${logType}`;
}

/**
 * Enhanced Monitoring: the service principal its role trusts (with `aws:SourceAccount` and, against the confused
 * deputy, `aws:SourceArn` naming the instance), the one log group it writes OS metrics to (one stream per instance,
 * named after its DbiResourceId), and the log actions `AmazonRDSEnhancedMonitoringRole` allows there.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
 */
export const ENHANCED_MONITORING = {
  servicePrincipal: 'monitoring.rds.amazonaws.com',
  logGroupName: 'RDSOSMetrics',
  logGroupActions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'],
  logStreamActions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
};
