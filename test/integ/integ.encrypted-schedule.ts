/**
 * Acceptance test: EncryptedSchedule. A one-time schedule whose payload is encrypted with the key delivers the
 * decrypted payload to an SQS queue.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack, TimeZone } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { DISPOSABLE_KEY, expectAlarmNotification, expectMessage, IntegAppOptions, integTest, probeQueue, runWhenMain, subscribeProbe } from './integ-support';
import { AuditTrail, EncryptedSchedule } from '../../src';

/** How long after synthesis the one-time schedule fires: enough for the stack to deploy first. */
export const FIRE_AFTER_MINUTES = 15;

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = new Stack(app, 'IntegEncryptedSchedule', { env: options.env });
  const target = probeQueue(stack, 'TargetQueue');
  const schedule = new EncryptedSchedule(stack, 'OneTime', {
    schedule: oneTimeExpression(options.now),
    target: new targets.SqsSendMessage(target, {
      input: scheduler.ScheduleTargetInput.fromObject({ acceptance: 'encrypted-schedule-payload', marker: 'decrypted by Scheduler' }),
    }),
    description: 'cdk-encrypted-constructs acceptance test: fires once into an SQS queue',
    keyOptions: DISPOSABLE_KEY,
    auditTrail: AuditTrail.none(),
  });
  const alarmProbe = subscribeProbe(stack, 'AlarmProbe', schedule.alarmTopic);

  const integ = integTest(app, 'EncryptedScheduleTest', stack);

  // Known limits (EncryptedSchedule) "Roles are named through aws:PrincipalArn": the schedule fires, its execution role
  // (named in the key policy through aws:PrincipalArn, Decrypt conditioned on the schedule's encryption context)
  // decrypts the payload, and the target receives it in plain text.
  expectMessage(integ, target, 'encrypted-schedule-payload');

  // Known limits (EncryptedSchedule) "Alarm notifications": CloudWatch may use the key to publish to the alarm topic.
  expectAlarmNotification(integ, schedule.targetErrorsAlarm, alarmProbe);
  return integ;
}

/** `at(...)` FIRE_AFTER_MINUTES after `now`, in UTC, to the minute. */
export function oneTimeExpression(now: Date): scheduler.ScheduleExpression {
  const at = new Date(now.getTime() + FIRE_AFTER_MINUTES * 60_000);
  at.setUTCSeconds(0, 0);
  return scheduler.ScheduleExpression.at(at, TimeZone.ETC_UTC);
}

runWhenMain(module, build);
