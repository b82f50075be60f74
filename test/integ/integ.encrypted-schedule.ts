/**
 * Acceptance test: EncryptedSchedule. A one-time schedule whose payload is encrypted with the key delivers the
 * decrypted payload to an SQS queue; another, whose target refuses it on purpose, lands in its dead-letter queue.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { DISPOSABLE_KEY, expectAlarmNotification, expectMessage, IntegAppOptions, integTest, literalPattern, probeQueue, runWhenMain, subscribeProbe, throwawayStack } from './integ-support';
import { AuditTrail, EncryptedSchedule } from '../../src';

/** How long after synthesis the one-time schedule fires: enough for the stack to deploy first. */
export const FIRE_AFTER_MINUTES = 15;

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = throwawayStack(app, 'IntegEncryptedSchedule', options);
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

  // A second one-time schedule whose target queue refuses the execution role (an explicit Deny in the queue policy
  // beats the role's Allow), with no retry: Scheduler sends the payload to the schedule's default dead-letter queue,
  // which is encrypted with the schedule's key.
  const refusing = probeQueue(stack, 'RefusingTargetQueue');
  const failing = new EncryptedSchedule(stack, 'FailsOnPurpose', {
    schedule: oneTimeExpression(options.now),
    target: new targets.SqsSendMessage(refusing, {
      input: scheduler.ScheduleTargetInput.fromObject({ acceptance: 'schedule-dead-letter-payload' }),
    }),
    retryAttempts: 0,
    maxEventAge: Duration.minutes(1),
    description: 'cdk-encrypted-constructs acceptance test: its target refuses it, so it lands in the dead-letter queue',
    keyOptions: DISPOSABLE_KEY,
    auditTrail: AuditTrail.none(),
  });
  refusing.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'RefuseTheScheduleOnPurpose',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['sqs:SendMessage'],
    resources: [refusing.queueArn],
    conditions: { ArnEquals: { 'aws:PrincipalArn': failing.executionRole.roleArn } },
  }));

  const integ = integTest(app, 'EncryptedScheduleTest', stack);

  // Known limits (EncryptedSchedule) "Roles are named through aws:PrincipalArn": the schedule fires, its execution role
  // (named in the key policy through aws:PrincipalArn, Decrypt conditioned on the schedule's encryption context)
  // decrypts the payload, and the target receives it in plain text.
  expectMessage(integ, target, 'encrypted-schedule-payload');

  // Known limits (EncryptedSchedule) "Roles are named through aws:PrincipalArn", its last clause: a failed invocation
  // reaches the dead-letter queue. Scheduler sends it with the execution role, which the key policy names through
  // aws:PrincipalArn in the queue statement (GenerateDataKey through SQS on the schedule's key). The message carries
  // the documented dead-letter attributes
  // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html#configuring-schedule-dlq-dead-letter-event):
  // ERROR_CODE (the target service's error), RETRY_ATTEMPTS (0, as configured) and SCHEDULE_ARN (this schedule; the
  // documented example omits the group from the ARN, so the group is optional in the pattern).
  expectMessage(integ, failing.deadLetterQueue, 'schedule-dead-letter-payload', {
    key: failing.encryptionKey,
    attributes: {
      ERROR_CODE: '.+',
      RETRY_ATTEMPTS: '^0$',
      SCHEDULE_ARN: `:schedule/(.+/)?${literalPattern(failing.scheduleName)}$`,
    },
  });

  // Known limits (EncryptedSchedule) "Alarm notifications": CloudWatch may use the key to publish to the alarm topic.
  // The first schedule's own dead-letter alarm, which nothing else moves: the schedule group's alarms go to ALARM by
  // themselves when the second schedule fails, and an alarm notifies only when its state changes.
  expectAlarmNotification(integ, schedule.deadLetterQueueAlarm, alarmProbe);
  return integ;
}

/** `at(...)` FIRE_AFTER_MINUTES after `now`, in UTC, to the minute. */
export function oneTimeExpression(now: Date): scheduler.ScheduleExpression {
  const at = new Date(now.getTime() + FIRE_AFTER_MINUTES * 60_000);
  at.setUTCSeconds(0, 0);
  return scheduler.ScheduleExpression.at(at, TimeZone.ETC_UTC);
}

runWhenMain(module, build);
