import { Annotations as CoreAnnotations, Duration, Stack, TimeZone, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Fixtures, nightly } from './fixtures';
import { EncryptedSchedule, EncryptedScheduleProps } from '../../src/encrypted-schedule';
import { AT_IN_THE_PAST_WARNING, DEAD_LETTER_QUEUE_ELSEWHERE_WARNING, validateScheduleProps } from '../../src/encrypted-schedule/validation';
import { PropValidationError } from '../../src/internal/validation';
import { testStack } from '../support/fixtures';

type BadProps = (stack: Stack, fixtures: Fixtures) => Partial<EncryptedScheduleProps>;

const NAME_RULE = 'must be 1 to 64 characters of letters, digits, "-", "_" and "."';

describe('EncryptedSchedule validation', () => {
  test.each<[string, BadProps, string]>([
    ['a schedule name over 64 characters', () => ({ scheduleName: 'n'.repeat(65) }), `scheduleName: got "${'n'.repeat(65)}"; ${NAME_RULE}`],
    ['a schedule name with a space', () => ({ scheduleName: 'nightly report' }), `scheduleName: got "nightly report"; ${NAME_RULE}`],
    ['a schedule name with a slash', () => ({ scheduleName: 'reports/nightly' }), `scheduleName: got "reports/nightly"; ${NAME_RULE}`],
    ['a group name with bad characters', stack => ({ scheduleGroup: scheduler.ScheduleGroup.fromScheduleGroupName(stack, 'G', 'my group!') }),
      `scheduleGroup: got "my group!"; ${NAME_RULE}`],
    ['a group name over 64 characters', stack => ({ scheduleGroup: scheduler.ScheduleGroup.fromScheduleGroupName(stack, 'G', 'g'.repeat(65)) }),
      `scheduleGroup: got "${'g'.repeat(65)}"; ${NAME_RULE}`],
    ['a description over 512 characters', () => ({ description: 'd'.repeat(513) }), 'description: got 513 characters; must be at most 512 characters'],
    ['negative retry attempts', () => ({ retryAttempts: -1 }), 'retryAttempts: got -1; must be a whole number from 0 to 185'],
    ['a target whose own dead-letter queue is FIFO', (stack, f) => ({
      target: new targets.LambdaInvoke(f.fn, { deadLetterQueue: new sqs.Queue(stack, 'FifoDlq', { fifo: true }) }),
    }), 'target.deadLetterQueue: got'],
    ['a target whose own retry attempts are out of range', (_stack, f) => ({ target: new targets.LambdaInvoke(f.fn, { retryAttempts: 200 }) }),
      'target.retryAttempts: got 200'],
    ['too many retry attempts', () => ({ retryAttempts: 186 }), 'retryAttempts: got 186; must be a whole number from 0 to 185'],
    ['fractional retry attempts', () => ({ retryAttempts: 2.5 }), 'retryAttempts: got 2.5; must be a whole number from 0 to 185'],
    ['a maximum event age under 60 seconds', () => ({ maxEventAge: Duration.seconds(59) }), 'maxEventAge: got 59 seconds; must be a whole number from 60 to 86400 seconds'],
    ['a maximum event age over 24 hours', () => ({ maxEventAge: Duration.hours(25) }), 'maxEventAge: got 90000 seconds; must be a whole number from 60 to 86400 seconds'],
    ['a zero flexible time window', () => ({ timeWindow: Duration.minutes(0) }), 'timeWindow: got 0 minutes; must be a whole number from 1 to 1440 minutes'],
    ['a flexible time window over 1440 minutes', () => ({ timeWindow: Duration.minutes(1441) }), 'timeWindow: got 1441 minutes; must be a whole number from 1 to 1440 minutes'],
    ['a flexible time window of 90 seconds', () => ({ timeWindow: Duration.seconds(90) }), 'timeWindow: got 1.5 minutes; must be a whole number from 1 to 1440 minutes'],
    ['a start after the end', () => ({ start: new Date('2031-01-01T00:00:00Z'), end: new Date('2030-01-01T00:00:00Z') }),
      'start: got 2031-01-01T00:00:00.000Z with end 2030-01-01T00:00:00.000Z; must be before end'],
    ['a start equal to the end', () => ({ start: new Date('2030-01-01T00:00:00Z'), end: new Date('2030-01-01T00:00:00Z') }),
      'start: got 2030-01-01T00:00:00.000Z with end 2030-01-01T00:00:00.000Z; must be before end'],
    ['an invalid end date', () => ({ end: new Date('not a date') }), 'end: got an invalid Date; must be a valid date'],
    ['an expression that is not at, rate or cron', () => ({ schedule: scheduler.ScheduleExpression.expression('every night') }),
      'schedule: got "every night"; must be an at(...), rate(...) or cron(...) expression (use scheduler.ScheduleExpression)'],
    ['a FIFO dead-letter queue', stack => ({ deadLetterQueue: new sqs.Queue(stack, 'Fifo', { fifo: true }) }),
      'deadLetterQueue: got "TestStack/Fifo"; must be a standard queue: EventBridge Scheduler cannot use a FIFO queue as a dead-letter queue'],
    ['a payload over 256 KB', (_stack, fixtures) => ({
      target: new targets.LambdaInvoke(fixtures.fn, { input: scheduler.ScheduleTargetInput.fromText('x'.repeat(256 * 1024 + 1)) }),
    }), 'target: got an input of 262145 bytes; the payload (target input) must be at most 262144 bytes (256 KB), the most EventBridge Scheduler encrypts'],
    ['a payload over 256 KB once its multi-byte characters are counted', (_stack, fixtures) => ({
      target: new targets.LambdaInvoke(fixtures.fn, { input: scheduler.ScheduleTargetInput.fromObject({ text: 'é'.repeat(131_072) }) }),
    }), 'target: got an input of 262155 bytes;'],
    ['an empty payload', (_stack, fixtures) => ({ target: new targets.LambdaInvoke(fixtures.fn, { input: scheduler.ScheduleTargetInput.fromText('') }) }),
      'target: got an empty input; the target input must not be empty (omit it instead)'],
    ['a cron minute out of range', () => ({ schedule: scheduler.ScheduleExpression.cron({ minute: '60', hour: '2' }) }),
      'schedule: got "cron(60 2 * * ? *)"; cron minutes "60": allowed: 0-59, "," "-" "*" "/"'],
    ['"*" in both day fields', () => ({ schedule: scheduler.ScheduleExpression.expression('cron(0 2 * * * *)') }),
      'schedule: got "cron(0 2 * * * *)"; cron day-of-month and day-of-week cannot both be given: one of them must be "?"'],
    ['a rate of 0', () => ({ schedule: scheduler.ScheduleExpression.expression('rate(0 minutes)') }),
      'schedule: got "rate(0 minutes)"; a rate must be a positive number of minutes, hours or days'],
    ['an at() date that does not exist', () => ({ schedule: scheduler.ScheduleExpression.expression('at(2031-02-30T02:00:00)') }),
      'schedule: got "at(2031-02-30T02:00:00)"; 2031-02-30T02:00:00 is not a date and time that exists'],
    ['a time zone that is not an IANA name', () => ({ schedule: scheduler.ScheduleExpression.expression('rate(5 minutes)', TimeZone.of('Europe/Londres')) }),
      'schedule.timeZone: got "Europe/Londres"; must be an IANA time-zone name such as Europe/London or Etc/UTC'],
    ['an asymmetric key', stack => ({ encryptionKey: new kms.Key(stack, 'Rsa', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT }) }),
      'encryptionKey: got a key with keySpec RSA_2048 and keyUsage ENCRYPT_DECRYPT; must be a symmetric encryption key'],
    ['an alias ARN given as a key ARN', stack => ({ encryptionKey: kms.Key.fromKeyArn(stack, 'ByAlias', 'arn:aws:kms:eu-west-1:111122223333:alias/payloads') }),
      'encryptionKey: got "arn:aws:kms:eu-west-1:111122223333:alias/payloads"; must be a key ARN'],
    ['a null optional prop (JavaScript)', () => ({ deadLetterQueue: null as any }), 'deadLetterQueue: got null; omit the prop instead (null is not a value)'],
    ['an alarm topic on the schedule\'s own key', (stack, f) => ({ encryptionKey: f.key, alarmTopic: new sns.Topic(stack, 'TopicOnOwnKey', { masterKey: f.key }) }),
      'alarmTopic: got TestStack/TopicOnOwnKey; must not be encrypted with the construct\'s own key (encryptionKey): the schedule\'s alarms (failed invocations, dead letters) fire when that key fails'],
    ['a null administrator in keyOptions (JavaScript)', () => ({ keyOptions: { administrators: [undefined as any] } }),
      'keyOptions.administrators[0]: got undefined; arrays must not hold null or undefined entries'],
    ['a null member of keyOptions (JavaScript)', () => ({ keyOptions: { alias: null as any } }), 'keyOptions.alias: got null; omit the prop instead (null is not a value)'],
    ['a missing target (JavaScript)', () => ({ target: undefined as any }), 'target: got undefined; is required: a scheduler.IScheduleTarget'],
    ['a null schedule (JavaScript)', () => ({ schedule: null as any }), 'schedule: got null; is required: a scheduler.ScheduleExpression'],
    ['a string where a schedule expression belongs (JavaScript)', () => ({ schedule: 'rate(5 minutes)' as any }),
      'schedule: got a string; must be a scheduler.ScheduleExpression'],
  ])('rejects %s, naming the construct path and the prop', (_name, bad, message) => {
    const attempt = () => {
      const stack = testStack();
      const fixtures = new Fixtures(stack);
      return nightly(stack, fixtures, bad(stack, fixtures), 'Bad');
    };
    expect(attempt).toThrow(PropValidationError);
    expect(attempt).toThrow(`invalid props for TestStack/Bad:\n  - ${message}`);
  });

  test('no props at all (JavaScript) is a validation error, not a TypeError', () => {
    const stack = testStack();
    expect(() => new EncryptedSchedule(stack, 'Bad', undefined as any)).toThrow('invalid props for TestStack/Bad:\n  - props: got undefined; must be an object with schedule, target');
  });

  test('two schedules of one group with one name fail at synth, naming both paths', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    const first = new EncryptedSchedule(stack, 'First', { schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)), target: new targets.LambdaInvoke(fixtures.fn), scheduleName: 'nightly' });
    expect(first).toBeDefined();
    expect(() => nightly(stack, fixtures, { scheduleName: 'nightly' }, 'Second')).toThrow(
      'invalid props for TestStack/Second:\n  - scheduleName: got "nightly"; the EventBridge Scheduler schedule TestStack/First already deploys to this name in the same stack');
  });

  test('the new rules accept their boundaries: the same name in another group, the edges of cron and rate, a symmetric key with rotation', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    const validate = (id: string, props: Partial<EncryptedScheduleProps>) => validateScheduleProps(new Construct(stack, id), {
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1)), target: new targets.LambdaInvoke(fixtures.fn), ...props,
    });
    validate('A', { scheduleName: 'nightly' });
    const group = scheduler.ScheduleGroup.fromScheduleGroupName(stack, 'Reports', 'reports');
    expect(() => validate('B', { scheduleName: 'nightly', scheduleGroup: group })).not.toThrow();
    expect(() => validate('C', { schedule: scheduler.ScheduleExpression.expression('cron(59 23 L 12 ? 2199)', TimeZone.AMERICA_ARGENTINA_BUENOS_AIRES) })).not.toThrow();
    expect(() => validate('D', { schedule: scheduler.ScheduleExpression.expression('rate(1 minute)') })).not.toThrow();
    expect(() => validate('E', { encryptionKey: new kms.Key(stack, 'Symmetric', { enableKeyRotation: true }) })).not.toThrow();
    expect(() => validate('F', { encryptionKey: new kms.Key(stack, 'NoRotation'), verifyKeyRotation: false })).not.toThrow();
    expect(() => validate('G', { encryptionKey: kms.Key.fromKeyArn(stack, 'Arn', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab') })).not.toThrow();
  });

  test('reports every bad prop at once, in one error', () => {
    const stack = testStack();
    expect(() => nightly(stack, new Fixtures(stack), { scheduleName: 'a b', retryAttempts: 200, description: 'd'.repeat(600) }, 'Bad')).toThrow([
      'invalid props for TestStack/Bad:',
      `  - scheduleName: got "a b"; ${NAME_RULE}`,
      '  - description: got 600 characters; must be at most 512 characters',
      '  - retryAttempts: got 200; must be a whole number from 0 to 185',
    ].join('\n'));
  });

  test('checks nothing that is a token: CloudFormation checks those at deploy time', () => {
    const stack = testStack();
    expect(() => nightly(stack, new Fixtures(stack), {
      scheduleGroup: new scheduler.ScheduleGroup(stack, 'Generated'),
      description: stack.stackId,
      retryAttempts: Token.asNumber({ Ref: 'Retries' }),
    })).not.toThrow();
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: { Ref: 'Retries' }, MaximumEventAgeInSeconds: 86400 } }),
    });
  });

  test('accepts the limits themselves', () => {
    const stack = testStack();
    expect(() => nightly(stack, new Fixtures(stack), {
      scheduleName: 'n'.repeat(64),
      description: 'd'.repeat(512),
      retryAttempts: 185,
      maxEventAge: Duration.seconds(60),
      timeWindow: Duration.minutes(1440),
    })).not.toThrow();
  });

  test('a one-time schedule in the past is warned about; one in the future is not', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    nightly(stack, fixtures, { schedule: scheduler.ScheduleExpression.at(new Date('2020-06-01T12:00:00Z')) }, 'Past');
    nightly(stack, fixtures, { schedule: scheduler.ScheduleExpression.at(new Date('2999-06-01T12:00:00Z')) }, 'Future');
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('in the past'));
    expect(warnings.map(w => w.id)).toEqual(['/TestStack/Past']);
    expect(String(warnings[0].entry.data)).toContain(
      'schedule: at(2020-06-01T12:00:00) in Etc/UTC is in the past (2020-06-01T12:00:00.000Z); a one-time schedule whose time has passed never runs.');
    expect(String(warnings[0].entry.data)).toContain(`[ack: ${AT_IN_THE_PAST_WARNING}]`);
  });

  test('a dead-letter queue in another region or account is warned about (Scheduler documents neither); one of the stack\'s is not', () => {
    const stack = testStack();
    const fixtures = new Fixtures(stack);
    const queue = (id: string, arn: string) => ({ deadLetterQueue: sqs.Queue.fromQueueArn(stack, id, arn) });
    nightly(stack, fixtures, queue('UsEast', 'arn:aws:sqs:us-east-1:111122223333:dlq'), 'OtherRegion');
    nightly(stack, fixtures, queue('Other', 'arn:aws:sqs:eu-west-1:999988887777:dlq'), 'OtherAccount');
    nightly(stack, fixtures, queue('HereDlq', 'arn:aws:sqs:eu-west-1:111122223333:dlq'), 'Here');
    const acknowledged = nightly(stack, fixtures, queue('UsEast2', 'arn:aws:sqs:us-east-1:111122223333:dlq2'), 'Acknowledged');
    CoreAnnotations.of(acknowledged).acknowledgeWarning(DEAD_LETTER_QUEUE_ELSEWHERE_WARNING, 'delivery proved in the integ account');
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('documents no dead-letter queue outside'));
    expect(warnings.map(w => w.id)).toEqual(['/TestStack/OtherRegion', '/TestStack/OtherAccount']);
    expect(String(warnings[0].entry.data)).toContain('The dead-letter queue TestStack/UsEast is in region us-east-1, not the schedule\'s (eu-west-1, 111122223333).');
    expect(String(warnings[1].entry.data)).toContain('is in account 999988887777');
    expect(String(warnings[0].entry.data)).toContain(`[ack: ${DEAD_LETTER_QUEUE_ELSEWHERE_WARNING}]`);
  });

  test('the past-time warning can be acknowledged', () => {
    const stack = testStack();
    const schedule = nightly(stack, new Fixtures(stack), { schedule: scheduler.ScheduleExpression.at(new Date('2020-06-01T12:00:00Z')) }, 'Past');
    CoreAnnotations.of(schedule).acknowledgeWarning(AT_IN_THE_PAST_WARNING, 'kept for the record');
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('in the past'))).toEqual([]);
  });

  test('the past-time check reads the wall clock of the schedule\'s time zone', () => {
    // 2020-06-01T12:00 in Pacific/Auckland (UTC+12) is 2020-06-01T00:00Z.
    const stack = testStack();
    nightly(stack, new Fixtures(stack), { schedule: scheduler.ScheduleExpression.at(new Date('2020-06-01T12:00:00Z'), TimeZone.PACIFIC_AUCKLAND) }, 'Past');
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('in the past'));
    expect(String(warnings[0].entry.data)).toContain('in Pacific/Auckland is in the past (2020-06-01T00:00:00.000Z)');
  });
});
