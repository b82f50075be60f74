import { Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { PropValidator } from '../internal/validation';
import { checkLogRetention } from '../services/logs/retention';
import { MASTER_USERNAME } from '../services/rds/instance-facts';
import { isPerformanceInsightsRetention, reservedWords } from '../services/rds/naming-facts';

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

/** A database or master user name the engine reserves (compared in lower case; tokens are skipped). */
export function checkNotReserved(v: PropValidator, prop: string, name: string | undefined, family: string): void {
  const words = reservedWords(family);
  if (!words || typeof name !== 'string' || Token.isUnresolved(name)) return;
  v.check(!words.has(name.toLowerCase()), prop, name, `is a word ${family} reserves: choose another name`);
}
