import { Annotations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alertChannel, deliverAlerts } from './alert-delivery';
import { RdsMasterSecretProps } from './rds-master-secret-props';
import { deterministicName } from '../internal/names';
import { PropValidator } from '../internal/validation';
import {
  managedRotationCommand, RDS_MANAGED_ROTATION_DAYS, ROTATION_FAILURE_EVENT_NAMES, ROTATION_PERIOD, rotationFailurePattern, rotationScheduleExpression,
} from '../services/secretsmanager/rotation';

/** The warning that a `masterSecretRotation` other than RDS's schedule must be set by hand, with the command. */
export const MASTER_SECRET_ROTATION_MANUAL_WARNING = 'cdk-encrypted-constructs:rds-master-secret-rotation-manual';

/** The child id of the rule that alerts on a failed rotation of the master secret. */
export const MASTER_SECRET_ROTATION_FAILURE_RULE_ID = 'MasterSecretRotationFailureRule';

/**
 * Checks `masterSecretRotation` against the periods Secrets Manager takes (whole hours from 4 to 23, whole days from
 * 1 to 999); a period that is a token is left to the command that sets it. For the construct's validation step.
 */
export function checkMasterSecretRotation(v: PropValidator, props: RdsMasterSecretProps): void {
  const period = props.masterSecretRotation;
  if (period === undefined || period.isUnresolved()) return;
  const hours = period.toHours({ integral: false });
  v.check(rotationScheduleExpression(hours) !== undefined, 'masterSecretRotation', describePeriod(hours), `must be ${ROTATION_PERIOD.allowed} (Secrets Manager's rotation schedules)`, false);
}

/** What the shared master-secret step needs of the construct that calls it. */
export interface MasterSecretOptions {
  /** ARN of the trail that audits the construct's key, if any: the alert goes to the stack's alert hub only then. */
  readonly auditTrailArn?: string;
  /** The resource whose master user secret it is, in words: `RDS DB instance orders-db`, `Aurora DB cluster orders`. */
  readonly owner: string;
}

/** The master secret's rotation-failure alert. */
export interface MasterSecretAlerts {
  /** The rule that matches the secret's failed rotations (child `MasterSecretRotationFailureRule`). */
  readonly rotationFailureRule: events.Rule;
  /** The topic it delivers to. */
  readonly alertTopic: sns.ITopic;
  /** The queue that keeps the alerts it could not deliver. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * The master user secret that RDS manages, after the resource is defined: the shared step of every RDS construct that
 * has RDS manage its master password (a DB instance, an Aurora cluster).
 *
 * 1. Rotation schedule: RDS's (every 7 days) unless `masterSecretRotation` asks for another; CloudFormation documents
 *    no way to set it (see `managedRotationCommand`), so the construct writes none and warns with the command.
 * 2. Rotation-failure alert: an EventBridge rule on Secrets Manager's `RotationFailed` and `TestRotationFailed` events
 *    for this secret's ARN, delivering to the stack's alert topic (or, when the stack audits nothing, a topic of the
 *    construct's own), with a dead-letter queue and an alarm on its failed deliveries. No part of that path is on the
 *    key that encrypts the secret, whose loss is one cause of a failed rotation ("impaired": RDS can no longer access
 *    the secret or its key).
 *
 * Validate `masterSecretRotation` with {@link checkMasterSecretRotation} first, with the construct's other props.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-eventbridge.html
 */
export function watchMasterSecret(scope: Construct, masterSecret: secretsmanager.ISecret, props: RdsMasterSecretProps, options: MasterSecretOptions): MasterSecretAlerts {
  warnIfScheduleIsManual(scope, props, options.owner);
  const channel = alertChannel(scope, {
    auditTrailArn: options.auditTrailArn,
    alerts: `the master secret rotation-failure alerts of ${options.owner}`,
    topicPurpose: `the master secret rotation-failure alert topic of ${options.owner}`,
    topicDisplayName: 'RDS master secret rotation-failure alerts',
  });
  // A deterministic rule name: the topic's and dead-letter queue's policies (and the dead-letter key's) name its ARN.
  const ruleName = `${deterministicName(scope, 48)}-rotation-failed`;
  const rule = new events.Rule(scope, MASTER_SECRET_ROTATION_FAILURE_RULE_ID, {
    ruleName,
    description: `The master user secret of ${options.owner} failed to rotate (Secrets Manager ${ROTATION_FAILURE_EVENT_NAMES.join(' or ')}; `
      + 'e.g. its KMS key was disabled or RDS lost access to it)',
    eventPattern: rotationFailurePattern(masterSecret.secretArn),
  });
  const deadLetterQueue = deliverAlerts(scope, channel, rule, ruleName, `A master secret rotation-failure alert of ${options.owner}`,
    'the master secret rotation-failure rule');
  return { rotationFailureRule: rule, alertTopic: channel.topic, deadLetterQueue };
}

/** The acknowledgeable warning, with the command, for a period other than RDS's own. */
function warnIfScheduleIsManual(scope: Construct, props: RdsMasterSecretProps, owner: string): void {
  const period = props.masterSecretRotation;
  if (period === undefined) return;
  const hours = period.isUnresolved() ? undefined : period.toHours({ integral: false });
  if (hours === RDS_MANAGED_ROTATION_DAYS * 24) return;
  const expression = (hours === undefined ? undefined : rotationScheduleExpression(hours)) ?? 'rate(<masterSecretRotation>)';
  Annotations.of(scope).addWarningV2(MASTER_SECRET_ROTATION_MANUAL_WARNING,
    `masterSecretRotation is ${hours === undefined ? 'known only at deploy time' : describePeriod(hours)}, but CloudFormation documents no way to set the `
    + 'rotation schedule of a secret RDS manages (AWS::SecretsManager::RotationSchedule is documented for rotation by a Lambda function only), so the '
    + `construct writes none and RDS rotates the master secret every ${RDS_MANAGED_ROTATION_DAYS} days until you run, once after the first deploy: `
    + `${managedRotationCommand(`<MasterUserSecret.SecretArn of ${owner}>`, expression)} (it also rotates the secret once, right away). `
    + 'Then acknowledge this warning.');
}

function describePeriod(hours: number): string {
  return Number.isInteger(hours / 24) ? `${hours / 24} days` : `${hours} hours`;
}
