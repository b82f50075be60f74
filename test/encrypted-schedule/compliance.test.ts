import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Fixtures, nightly, ours } from './fixtures';
import { addEncryptedSchedule } from '../../examples/encrypted-schedule';
import { ComplianceBatch, formatFindings } from '../support/compliance';
import { testStack } from '../support/fixtures';

/** Every prop set: a named schedule in a group, a window, start and end, retries, an alarm topic, a strict key. */
function fullestConfiguration(stack: Stack): void {
  const fixtures = new Fixtures(stack);
  const group = new scheduler.ScheduleGroup(stack, 'Group', { scheduleGroupName: 'reports' });
  const schedule = nightly(stack, fixtures, {
    target: new targets.SqsSendMessage(fixtures.queue, { input: scheduler.ScheduleTargetInput.fromObject({ job: 'report' }) }),
    scheduleName: 'nightly-report',
    scheduleGroup: group,
    description: 'Sends the nightly report job',
    enabled: false,
    timeWindow: Duration.minutes(15),
    start: new Date('2030-01-01T00:00:00Z'),
    end: new Date('2031-01-01T00:00:00Z'),
    retryAttempts: 3,
    maxEventAge: Duration.hours(2),
    alarmTopic: fixtures.topic,
    keyOptions: { alias: 'reports/nightly', strictMode: true, administrators: [new iam.AccountRootPrincipal()], tags: { team: 'reports' } },
  });
  schedule.grantConsumeDeadLetters(new iam.Role(fixtures, 'Reader', { assumedBy: new iam.AccountRootPrincipal() }));
}

/** A schedule per target kind, and one with a dead-letter queue of your own. */
function everyTargetKind(stack: Stack): void {
  const fixtures = new Fixtures(stack);
  const input = scheduler.ScheduleTargetInput.fromObject({ job: 'report' });
  nightly(stack, fixtures, { target: new targets.SqsSendMessage(fixtures.queue, { input }) }, 'ToQueue');
  nightly(stack, fixtures, { target: new targets.SnsPublish(fixtures.topic, { input }) }, 'ToTopic');
  nightly(stack, fixtures, { target: new targets.StepFunctionsStartExecution(fixtures.stateMachine, { input }) }, 'ToStateMachine');
  nightly(stack, fixtures, { target: new targets.EventBridgePutEvents({ eventBus: fixtures.bus, detailType: 'report', source: 'reports', detail: input }) }, 'ToBus');
  const deadLetters = new sqs.Queue(fixtures, 'DeadLetters', { encryptionMasterKey: fixtures.key, enforceSSL: true });
  nightly(stack, fixtures, { deadLetterQueue: deadLetters }, 'ToFunction');
}

// the four stacks' Control Tower findings in one cfn-guard run
const compliance = new ComplianceBatch();

describe('EncryptedSchedule compliance', () => {
  const byDefault = compliance.add(testStack());
  nightly(byDefault);
  test('the default configuration has no unacknowledged cdk-nag or Control Tower findings', () => {
    expect(formatFindings(ours(compliance.unacknowledged(byDefault)))).toEqual([]);
  });

  const fullest = compliance.add(testStack());
  fullestConfiguration(fullest);
  test('the fullest configuration has no unacknowledged cdk-nag or Control Tower findings', () => {
    expect(formatFindings(ours(compliance.unacknowledged(fullest)))).toEqual([]);
  });

  const everyTarget = compliance.add(testStack());
  everyTargetKind(everyTarget);
  test('every target kind, and a dead-letter queue you bring, have no unacknowledged findings', () => {
    expect(formatFindings(ours(compliance.unacknowledged(everyTarget)))).toEqual([]);
  });
});

describe('the EncryptedSchedule example', () => {
  const stack = compliance.add(testStack('Example'));
  addEncryptedSchedule(stack);
  test('synthesizes offline, and the schedule itself has no unacknowledged findings', () => {
    const findings = compliance.unacknowledged(stack).filter(f => !f.path.startsWith('Example/Reports/ReportFunction'));
    expect(formatFindings(findings)).toEqual([]);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', { GroupName: 'reports', KmsKeyArn: Match.anyValue() });
  });
});
