/**
 * EncryptedSchedule in the example app: a nightly report job whose payload is encrypted with a customer managed key.
 */
import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { EncryptedSchedule } from '../src';

/** Adds a nightly report schedule (02:00 London time) that invokes a Lambda function with an encrypted payload. */
export function addEncryptedSchedule(stack: Stack): void {
  const scope = new Construct(stack, 'Reports');
  const fn = new lambda.Function(scope, 'ReportFunction', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async (event) => ({ job: event.job });'),
    timeout: Duration.seconds(30),
  });

  // A group of its own, so the Scheduler alarms watch this schedule alone.
  const group = new scheduler.ScheduleGroup(scope, 'Group', { scheduleGroupName: 'reports' });

  new EncryptedSchedule(scope, 'Nightly', {
    schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
    target: new targets.LambdaInvoke(fn, { input: scheduler.ScheduleTargetInput.fromObject({ job: 'report' }) }),
    scheduleGroup: group,
    description: 'Starts the nightly report job',
    timeWindow: Duration.minutes(15),
    retryAttempts: 10,
    maxEventAge: Duration.hours(6),
  });
}
