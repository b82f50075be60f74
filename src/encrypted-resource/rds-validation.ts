import { Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { PropValidator } from '../internal/validation';
import { checkLogRetention } from '../services/logs/retention';
import { MASTER_USERNAME } from '../services/rds/instance-facts';
import { isPerformanceInsightsRetention, reservedWords } from '../services/rds/naming-facts';
import { parseBackupWindow, parseMaintenanceWindow, RDS_WINDOWS, RdsWindow, windowsOverlap } from '../services/rds/windows';

/** The props of an RDS construct (instance or cluster) that decide where its data is encrypted and how its master user is made. */
export interface RdsEncryptionProps {
  readonly encryptionKey?: kms.IKey;
  readonly storageEncrypted?: boolean;
  readonly storageEncryptionKey?: kms.IKeyRef;
  readonly performanceInsightEncryptionKey?: kms.IKeyRef;
  readonly performanceInsightRetention?: rds.PerformanceInsightRetention;
  readonly manageMasterUserPassword?: boolean;
  readonly credentials?: rds.Credentials;
  readonly cloudwatchLogsRetention?: logs.RetentionDays;
}

/**
 * The checks every RDS construct makes before it creates anything: nothing may move storage, Performance Insights or
 * the master secret off the construct's key, the master password is always generated and kept by RDS, the master user
 * name follows the engine's rules, and retention values are ones the services offer.
 *
 * @param family the engine family whose reserved words apply (`postgres`, `mysql`, `mariadb`)
 * @param maxUsernameLength the longest master user name the engine accepts
 */
export function checkRdsEncryptionProps(v: PropValidator, scope: IConstruct, props: RdsEncryptionProps, family: string | undefined, maxUsernameLength: number | undefined): void {
  const resolve = (x: unknown) => JSON.stringify(Stack.of(scope).resolve(x));
  const keyOf = (k: kms.IKeyRef) => resolve(k.keyRef.keyArn);
  const given = props.encryptionKey;
  const sameKey = (other: kms.IKeyRef | undefined) => other === undefined || (given !== undefined && (other === given || keyOf(other) === keyOf(given)));

  v.check(props.storageEncrypted !== false, 'storageEncrypted', 'false', 'storage is always encrypted with encryptionKey: omit storageEncrypted', false);
  v.check(sameKey(props.storageEncryptionKey), 'storageEncryptionKey', 'a different key', 'omit it, or pass the same key as encryptionKey (pass your key as encryptionKey)', false);
  v.check(sameKey(props.performanceInsightEncryptionKey), 'performanceInsightEncryptionKey', 'a different key', 'omit it, or pass the same key as encryptionKey (pass your key as encryptionKey)', false);
  v.check(props.manageMasterUserPassword !== false, 'manageMasterUserPassword', 'false', 'RDS always manages the master password in Secrets Manager, encrypted with the key: omit it', false);
  const c = props.credentials;
  if (c) {
    v.check(c.password === undefined, 'credentials', 'a password', 'a password in the app ends up in the template: use Credentials.fromUsername(name) and let RDS generate and keep it', false);
    v.check(c.secret === undefined, 'credentials', 'an existing secret', 'RDS generates the master password and keeps it in its own secret, encrypted with the key: use Credentials.fromUsername(name)', false);
    v.check(c.secretName === undefined && c.excludeCharacters === undefined && c.replicaRegions === undefined, 'credentials', 'secret options (secretName, excludeCharacters or replicaRegions)',
      'RDS names, generates and keeps the master secret itself: use Credentials.fromUsername(name)', false);
    v.check(sameKey(c.encryptionKey), 'credentials.encryptionKey', 'a different key', 'the master secret is encrypted with encryptionKey: omit it', false);
    if (family && maxUsernameLength) {
      v.name('credentials.username', c.username, MASTER_USERNAME.pattern, maxUsernameLength, MASTER_USERNAME.allowed);
      v.check(typeof c.username !== 'string' || Token.isUnresolved(c.username) || c.username.toLowerCase() !== MASTER_USERNAME.reservedByRds, 'credentials.username', c.username, 'is reserved by RDS');
      checkNotReserved(v, 'credentials.username', c.username, family);
    }
  }
  const piRetention = props.performanceInsightRetention as number | undefined;
  if (piRetention !== undefined && !Token.isUnresolved(piRetention)) {
    v.check(isPerformanceInsightsRetention(piRetention), 'performanceInsightRetention', `${piRetention} days`,
      'allowed: 7, a multiple of 31 up to 713 (1 to 23 months) or 731 days (use rds.PerformanceInsightRetention)', false);
  }
  checkLogRetention(v, 'cloudwatchLogsRetention', props.cloudwatchLogsRetention);
}

/**
 * `parameters` without TLS enforcement still need a parameter group, which aws-cdk-lib can only make for an engine with
 * a version (with TLS enforced, the construct's TLS check names the engine instead).
 */
export function checkParametersHaveFamily(v: PropValidator,
  props: { engine: rds.IEngine; parameters?: { [name: string]: string }; parameterGroup?: rds.IParameterGroup; enforceTls?: boolean }): void {
  if (props.enforceTls !== false || props.parameters === undefined || props.parameterGroup !== undefined) return;
  v.check(props.engine.parameterGroupFamily !== undefined, 'parameters', `parameters with ${props.engine.engineType} without a version`,
    'a parameter group can only be made for an engine with a version: give the engine a version, or pass a parameterGroup', false);
}

/** A database or master user name the engine reserves (compared in lower case; tokens are skipped). */
export function checkNotReserved(v: PropValidator, prop: string, name: string | undefined, family: string): void {
  const words = reservedWords(family);
  if (!words || typeof name !== 'string' || Token.isUnresolved(name)) return;
  v.check(!words.has(name.toLowerCase()), prop, name, `is a word ${family} reserves: choose another name`);
}

/** A DB instance's or DB cluster's windows, each with the prop that carries it (for the message). */
export interface RdsWindowProps {
  /** The prop of the weekly maintenance window, e.g. `preferredMaintenanceWindow` or `readers[0].preferredMaintenanceWindow`. */
  readonly maintenanceProp: string;
  readonly maintenance: unknown;
  /** The prop of the daily backup window, e.g. `preferredBackupWindow` or `backup.preferredWindow`; none for an Aurora instance. */
  readonly backupProp?: string;
  readonly backup?: unknown;
}

/**
 * The maintenance and backup windows RDS would refuse (facts and links in `services/rds/windows.ts`): not in their
 * format, shorter than 30 minutes, or overlapping each other on any day. Windows not given, and tokens, are skipped.
 */
export function checkRdsWindows(v: PropValidator, w: RdsWindowProps): void {
  const maintenance = checkWindow(v, w.maintenanceProp, w.maintenance, parseMaintenanceWindow, RDS_WINDOWS.maintenanceFormat);
  const backup = w.backupProp === undefined ? undefined : checkWindow(v, w.backupProp, w.backup, parseBackupWindow, RDS_WINDOWS.backupFormat);
  if (maintenance && backup) {
    v.check(!windowsOverlap(maintenance, backup), w.backupProp!, w.backup,
      `overlaps ${w.maintenanceProp} (${JSON.stringify(w.maintenance)}) on at least one day: RDS refuses a backup window that overlaps the maintenance window, move one of them`);
  }
}

/** One window: its format and length. Returns it parsed when it is a valid literal, to check the overlap. */
function checkWindow(v: PropValidator, prop: string, value: unknown, parse: (text: string) => RdsWindow | undefined, format: string): RdsWindow | undefined {
  if (value === undefined || Token.isUnresolved(value)) return undefined;
  if (typeof value !== 'string') {
    v.check(false, prop, value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`, `must be a string ${format}`, false);
    return undefined;
  }
  const window = parse(value);
  if (!window) {
    v.check(false, prop, value, `must be ${format}`);
    return undefined;
  }
  v.check(window.minutes >= RDS_WINDOWS.minMinutes, prop, value, `is ${window.minutes} minutes long; must be at least ${RDS_WINDOWS.minMinutes} minutes`);
  return window.minutes >= RDS_WINDOWS.minMinutes ? window : undefined;
}

/** The shortest backup retention the constructs accept. */
const MIN_BACKUP_RETENTION_DAYS = 7;

/**
 * Backups the constructs require: from 1 to `max` whole days, and at least a week (the AWS Control Tower rule
 * `controlTowerRule`, rds_instance_backup_enabled_check or rds_cluster_backup_enabled_check, asks for a week of
 * automated backups). Undefined and tokens are skipped.
 */
export function checkBackupRetention(v: PropValidator, prop: string, days: number | undefined, max: number, controlTowerRule: string): void {
  v.range(prop, days, 1, max, 'days');
  v.check(days === undefined || Token.isUnresolved(days) || !(days >= 1 && days < MIN_BACKUP_RETENTION_DAYS), prop, `${days} days`,
    `must be at least ${MIN_BACKUP_RETENTION_DAYS} days: the AWS Control Tower rule ${controlTowerRule} requires a week of automated backups`, false);
}
