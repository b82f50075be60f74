import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as fc from 'fast-check';
import { EncryptionKey } from '../../src';
import { EncryptedSchedule } from '../../src/encrypted-schedule';
import { acknowledgeDeadLetterQueue, acknowledgeEach } from '../../src/internal/acknowledgements';
import { Fixtures } from '../encrypted-schedule/fixtures';
import { fuzzProps, fuzzRuns } from '../support/fuzz';
import { anyWholeNumber, auditTrailOf, badKeyArbitrary, badKeyOf, keyOptionsOf, mostlyValid, nullPropArbitrary, uniqueName, withNull } from '../support/fuzz-arbitraries';

/** The user's targets and queues, shared by every case of one stack (a batch holds 25 schedules). */
class FuzzFixtures {
  public static of(stack: Stack): FuzzFixtures {
    const existing = (stack.node.tryFindChild('Fixtures') as Fixtures | undefined);
    return existing ? FuzzFixtures.cache.get(existing)! : new FuzzFixtures(stack);
  }

  private static readonly cache = new WeakMap<Fixtures, FuzzFixtures>();

  public readonly fixtures: Fixtures;
  /** A standard queue the user brings as the dead-letter queue, on the fixtures' key. */
  public readonly deadLetters: sqs.Queue;
  /** A FIFO queue: never a valid dead-letter queue for Scheduler. */
  public readonly fifo: sqs.Queue;
  /** A queue of another account's stack, imported: no key visible. */
  public readonly importedQueue: sqs.IQueue;
  public readonly importedKey: kms.IKey;
  public readonly importedTopic: sns.ITopic;
  public readonly strictKey: EncryptionKey;

  private constructor(stack: Stack) {
    this.fixtures = new Fixtures(stack);
    FuzzFixtures.cache.set(this.fixtures, this);
    const f = this.fixtures;
    // The test targets are the user's own resources: their findings are not the construct's.
    const reason = 'A fuzz-test target standing for the user\'s own resource; its findings are not the construct\'s.';
    acknowledgeEach(f.fn, Object.fromEntries([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'AwsSolutions-L1',
      'HIPAA.Security-LambdaConcurrency', 'HIPAA.Security-LambdaDLQ', 'HIPAA.Security-LambdaInsideVPC',
      'NIST.800.53.R5-LambdaConcurrency', 'NIST.800.53.R5-LambdaDLQ', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC',
      'Serverless-LambdaDefaultMemorySize', 'Serverless-LambdaDefaultTimeout', 'Serverless-LambdaDLQ', 'Serverless-LambdaLatestVersion',
      'Serverless-LambdaTracing', 'lambda_inside_vpc_check',
    ].map(id => [id, reason])));
    acknowledgeEach(f.queue, { 'AwsSolutions-SQS3': reason, 'Serverless-SQSRedrivePolicy': reason, 'sqs_dlq_check': reason });
    acknowledgeEach(f.stateMachine, Object.fromEntries([
      'AwsSolutions-SF1', 'AwsSolutions-SF2', 'Serverless-StepFunctionStateMachineXray',
      'step_functions_state_machine_logging_enabled_check', 'step_functions_state_machine_tracing_enabled_check',
    ].map(id => [id, reason])));

    this.deadLetters = new sqs.Queue(f, 'DeadLetters', { encryptionMasterKey: f.key, enforceSSL: true, retentionPeriod: Duration.days(14) });
    acknowledgeDeadLetterQueue(this.deadLetters, 'the fuzzed schedules');
    this.fifo = new sqs.Queue(f, 'Fifo', { fifo: true, encryptionMasterKey: f.key, enforceSSL: true, retentionPeriod: Duration.days(14) });
    acknowledgeDeadLetterQueue(this.fifo, 'the fuzzed schedules');
    this.importedQueue = sqs.Queue.fromQueueArn(f, 'ImportedQueue', 'arn:aws:sqs:eu-west-1:111122223333:dead-letters');
    this.importedKey = kms.Key.fromKeyArn(f, 'ImportedKey', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    this.importedTopic = sns.Topic.fromTopicArn(f, 'ImportedTopic', 'arn:aws:sns:eu-west-1:111122223333:ops');
    this.strictKey = new EncryptionKey(f, 'StrictKey', { protects: 'fuzzed schedules', strictMode: true, administrators: [new iam.AccountRootPrincipal()] });
  }
}

/**
 * Mostly `valid`, sometimes `invalid`: by default one value in eight is bad, so that with some twenty props about a
 * quarter of all cases are accepted (the nag/guard check of accepted cases is the slow part). Props checked only once
 * the others passed (the key's) are bad more often.
 */
const mostly = mostlyValid(8);

/** A whole number in range, or one that is negative, out of range, fractional, huge or not a number at all. */
const anyNumber = anyWholeNumber(mostly, (min, max) => [-1, min - 1, max + 1, 1e21, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER]);

/**
 * A duration of `amount` base units (seconds or minutes), written in some unit: in a larger unit only when it divides
 * evenly, so a whole amount stays whole (fractional amounts come from `anyNumber`). Durations cannot be negative:
 * aws-cdk-lib throws before the construct sees them.
 */
const durationArb = (base: 'seconds' | 'minutes', min: number, max: number) => fc.record({
  base: fc.constant(base),
  unit: fc.constantFrom('millis', 'seconds', 'minutes', 'hours', 'days'),
  amount: anyNumber(min, max).filter(n => !(n < 0)),
});
type DurationSpec = { base: 'seconds' | 'minutes'; unit: string; amount: number };
const SECONDS: { [unit: string]: number } = { millis: 0.001, seconds: 1, minutes: 60, hours: 3600, days: 86400 };
function toDuration(d: DurationSpec | undefined): Duration | undefined {
  if (d === undefined) return undefined;
  const seconds = d.amount * SECONDS[d.base];
  const factor = SECONDS[d.unit];
  const inUnit = factor < 1 ? seconds * 1000 : seconds / factor;
  if (!Number.isInteger(inUnit) && Number.isInteger(seconds)) return Duration.seconds(seconds);
  switch (d.unit) {
    case 'millis': return Duration.millis(inUnit);
    case 'minutes': return Duration.minutes(inUnit);
    case 'hours': return Duration.hours(inUnit);
    case 'days': return Duration.days(inUnit);
    default: return Duration.seconds(inUnit);
  }
}

/** Names: mostly of the allowed characters, sometimes too long, empty or with characters the service rejects. */
const nameArb = (maxLength: number) => mostly(
  fc.oneof(fc.stringMatching(new RegExp(`^[0-9a-zA-Z._-]{1,${maxLength}}$`)), fc.constant('n'.repeat(maxLength))),
  fc.oneof(
    fc.stringMatching(/^[0-9a-zA-Z._-]{1,10}$/).map(s => s.repeat(Math.ceil((maxLength + 1) / s.length))),
    fc.constantFrom('', 'a b', 'reports/nightly', 'x!', 'é', 'n'.repeat(maxLength + 1)),
    fc.string({ maxLength: maxLength + 5 }),
  ),
);

const keyOptionsArb: fc.Arbitrary<{ alias?: string; rotationDays?: number; pendingDays?: number; strictMode?: boolean } | undefined> = fc.option(fc.record({
  alias: fc.option(mostly(fc.stringMatching(/^[a-zA-Z0-9/_-]{1,30}$/), fc.constantFrom('aws/reserved', 'alias/aws/x', 'bad alias', '', 'alias/ok-name', 'alias/'), 4), { nil: undefined }),
  rotationDays: fc.option(anyNumber(90, 2560, 4).filter(n => !(n < 0)), { nil: undefined }),
  pendingDays: fc.option(anyNumber(7, 30, 4).filter(n => !(n < 0)), { nil: undefined }),
  strictMode: fc.option(fc.boolean(), { nil: undefined }),
}, { requiredKeys: [] }), { nil: undefined });

const keyOptions = keyOptionsOf;

const auditTrail = auditTrailOf;

const FUTURE = Date.UTC(2040, 0, 1);
const dateArb = mostly(
  fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }).map(t => new Date(t)),
  fc.constant(new Date(Number.NaN)),
);

const scheduleArb = mostly(
  fc.oneof(
    fc.record({ kind: fc.constant('cron' as const), hour: fc.integer({ min: 0, max: 23 }), zone: fc.constantFrom(undefined, TimeZone.EUROPE_LONDON, TimeZone.PACIFIC_AUCKLAND) }),
    fc.record({ kind: fc.constant('rate' as const), minutes: fc.integer({ min: 1, max: 10_000 }) }),
    // one-time schedules in the past (accepted with a warning) and in the future
    fc.record({ kind: fc.constant('at' as const), time: fc.integer({ min: Date.UTC(2015, 0, 1), max: FUTURE }) }),
    fc.record({
      kind: fc.constant('expression' as const),
      text: fc.constantFrom('rate(5 minutes)', 'cron(0 2 * * ? *)', 'rate(1 minute)',
        'cron(59 23 L 12 ? 2199)', 'cron(0 0 1 1 ? 1970)', 'cron(0/15 8-17 ? JAN-MAR,DEC MON-FRI *)', 'cron(0 2 ? * 2#2 *)', 'at(2040-02-29T23:59:59)'),
    }),
  ),
  fc.record({
    kind: fc.constant('expression' as const),
    text: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('at()', 'every night', 'rate(5 minutes', '',
    // the edges just past what Scheduler accepts
      'cron(60 2 * * ? *)', 'cron(0 24 * * ? *)', 'cron(0 2 32 * ? *)', 'cron(0 2 ? 13 * *)', 'cron(0 2 ? * 8 *)', 'cron(0 2 * * ? 2200)',
      'cron(0 2 * * * *)', 'cron(0 2 1 * MON *)', 'rate(0 minutes)', 'rate(30 seconds)', 'at(2039-02-29T10:00:00)', 'at(2040-04-31T10:00:00)')),
  }),
);

type ScheduleSpec = { kind: 'cron'; hour: number; zone?: TimeZone } | { kind: 'rate'; minutes: number } | { kind: 'at'; time: number } | { kind: 'expression'; text: string };
function toSchedule(s: ScheduleSpec): scheduler.ScheduleExpression {
  switch (s.kind) {
    case 'cron': return scheduler.ScheduleExpression.cron({ hour: String(s.hour), minute: '0', timeZone: s.zone });
    case 'rate': return scheduler.ScheduleExpression.rate(Duration.minutes(s.minutes));
    case 'at': return scheduler.ScheduleExpression.at(new Date(s.time));
    default: return scheduler.ScheduleExpression.expression(s.text);
  }
}

const inputArb = mostly(
  fc.oneof(fc.constant(undefined), fc.constant('object' as const), fc.string({ minLength: 1, maxLength: 50 })),
  fc.constantFrom('empty' as const, 'oversized' as const),
);

const propsArb = fc.record({
  schedule: scheduleArb,
  target: fc.record({
    kind: fc.constantFrom('lambda', 'queue', 'topic', 'stateMachine', 'bus'),
    input: inputArb,
    retryAttempts: fc.option(anyNumber(0, 185), { nil: undefined }),
    maxEventAge: fc.option(durationArb('seconds', 60, 86400), { nil: undefined }),
    deadLetterQueue: mostly(fc.constantFrom(undefined, 'standard'), fc.constant('fifo')),
  }, { requiredKeys: ['kind'] }),
  scheduleName: fc.option(nameArb(64), { nil: undefined }),
  scheduleGroup: fc.oneof(
    fc.constant(undefined),
    fc.record({ kind: fc.constant('new' as const), name: fc.option(fc.stringMatching(/^[0-9a-zA-Z._-]{1,40}$/), { nil: undefined }) }),
    fc.record({ kind: fc.constant('imported' as const), name: nameArb(64) }),
  ),
  description: fc.option(mostly(fc.oneof(fc.string({ maxLength: 40 }), fc.constant('d'.repeat(512))), fc.integer({ min: 513, max: 2000 }).map(n => 'd'.repeat(n))), { nil: undefined }),
  enabled: fc.option(fc.boolean(), { nil: undefined }),
  timeWindow: fc.option(durationArb('minutes', 1, 1440), { nil: undefined }),
  // start alone, end alone, or both: the end mostly after the start, sometimes equal or before
  timeFrame: fc.option(fc.record({
    start: fc.option(dateArb, { nil: undefined }),
    end: fc.option(dateArb, { nil: undefined }),
    after: mostly(fc.integer({ min: 1, max: 1e11 }), fc.integer({ min: -1e11, max: 0 })),
  }), { nil: undefined }),
  deadLetterQueue: mostly(fc.constantFrom(undefined, 'standard', 'imported'), fc.constant('fifo')),
  retryAttempts: fc.option(anyNumber(0, 185), { nil: undefined }),
  maxEventAge: fc.option(durationArb('seconds', 60, 86400), { nil: undefined }),
  alarmTopic: fc.constantFrom(undefined, 'encrypted', 'imported'),
  encryptionKey: fc.constantFrom(undefined, undefined, 'fixtures', 'strict', 'imported'),
  keyOptions: keyOptionsArb,
  auditTrail: fc.constantFrom(undefined, 'stackShared', 'none', 'existing'),
  verifyEncryption: fc.option(fc.boolean(), { nil: undefined }),
  verifyKeyRotation: fc.option(fc.boolean(), { nil: undefined }),
  // keys that cannot work, and props a JavaScript caller sets to null
  badKey: fc.oneof({ arbitrary: fc.constant(undefined), weight: 14 }, { arbitrary: badKeyArbitrary, weight: 1 }),
  nulled: nullPropArbitrary('description', 'deadLetterQueue', 'scheduleGroup', 'keyOptions', 'alarmTopic', 'target', 'keyOptions.administrators[]'),
}, { requiredKeys: ['schedule', 'target'] });

type Props = typeof propsArb extends fc.Arbitrary<infer P> ? P : never;

function build(stack: Stack, id: string, p: Props): void {
  const x = FuzzFixtures.of(stack);
  const f = x.fixtures;
  const queueOf = (kind: string | undefined): sqs.IQueue | undefined =>
    kind === 'standard' ? x.deadLetters : kind === 'fifo' ? x.fifo : kind === 'imported' ? x.importedQueue : undefined;

  const t = p.target;
  const input = t.input === undefined ? undefined
    : t.input === 'object' ? scheduler.ScheduleTargetInput.fromObject({ job: 'report', id })
      : t.input === 'empty' ? scheduler.ScheduleTargetInput.fromText('')
        : t.input === 'oversized' ? scheduler.ScheduleTargetInput.fromText('x'.repeat(256 * 1024 + 1))
          : scheduler.ScheduleTargetInput.fromText(t.input);
  const base = { input, retryAttempts: t.retryAttempts, maxEventAge: toDuration(t.maxEventAge), deadLetterQueue: queueOf(t.deadLetterQueue) };
  const target = {
    lambda: () => new targets.LambdaInvoke(f.fn, base),
    queue: () => new targets.SqsSendMessage(f.queue, base),
    topic: () => new targets.SnsPublish(f.topic, base),
    stateMachine: () => new targets.StepFunctionsStartExecution(f.stateMachine, base),
    bus: () => new targets.EventBridgePutEvents({ eventBus: f.bus, detailType: 'report', source: 'reports', detail: input ?? scheduler.ScheduleTargetInput.fromObject({ job: 'report' }) },
      { ...base, input: undefined }),
  }[t.kind]();

  const group = p.scheduleGroup === undefined ? undefined
    : p.scheduleGroup.kind === 'new' ? new scheduler.ScheduleGroup(stack, `${id}Group`, { scheduleGroupName: p.scheduleGroup.name && `${p.scheduleGroup.name}-${id}` })
      : scheduler.ScheduleGroup.fromScheduleGroupName(stack, `${id}Group`, p.scheduleGroup.name);

  const schedule = new EncryptedSchedule(stack, id, withNull({
    schedule: toSchedule(p.schedule as ScheduleSpec),
    target,
    scheduleName: uniqueName(p.scheduleName, id, 64),
    scheduleGroup: group,
    description: p.description,
    enabled: p.enabled,
    timeWindow: toDuration(p.timeWindow),
    start: p.timeFrame?.start,
    end: p.timeFrame?.start && p.timeFrame.end ? new Date(p.timeFrame.start.getTime() + p.timeFrame.after) : p.timeFrame?.end,
    deadLetterQueue: queueOf(p.deadLetterQueue),
    retryAttempts: p.retryAttempts,
    maxEventAge: toDuration(p.maxEventAge),
    alarmTopic: p.alarmTopic === 'encrypted' ? f.topic : p.alarmTopic === 'imported' ? x.importedTopic : undefined,
    encryptionKey: p.badKey ? badKeyOf(f, id, p.badKey)
      : p.encryptionKey === 'fixtures' ? f.key : p.encryptionKey === 'strict' ? x.strictKey : p.encryptionKey === 'imported' ? x.importedKey : undefined,
    keyOptions: keyOptions(p.keyOptions, id),
    auditTrail: auditTrail(p.auditTrail),
    verifyEncryption: p.verifyEncryption,
    verifyKeyRotation: p.verifyKeyRotation,
  }, p.nulled));
  // What the harness cannot see in a template: Scheduler never accepts a FIFO dead-letter queue.
  if (schedule.deadLetterQueue.fifo) throw new Error(`accepted a FIFO dead-letter queue (${schedule.deadLetterQueue.node.path})`);
}

test('EncryptedSchedule: random props end in a clean template or a validation error naming the prop', () => {
  // 100 cases in the test command already name every prop below; `npx projen fuzz` runs 2,000
  const outcome = fuzzProps(propsArb, build, fuzzRuns(100));
  expect(outcome.rejected).toBeGreaterThan(0);
  expect(outcome.accepted).toBeGreaterThan(0);
  expect(outcome.propsNamed).toEqual(expect.arrayContaining([
    'schedule', 'scheduleName', 'scheduleGroup', 'description', 'timeWindow', 'start', 'end', 'deadLetterQueue',
    'retryAttempts', 'maxEventAge', 'target', 'target.retryAttempts', 'target.maxEventAge', 'target.deadLetterQueue',
    'alias', 'rotationPeriod', 'pendingWindow', 'encryptionKey',
  ]));
});
