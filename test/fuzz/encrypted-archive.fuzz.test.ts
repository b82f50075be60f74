import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { AuditTrail, EncryptionKey } from '../../src';
import { EncryptedArchive } from '../../src/encrypted-archive';
import { acknowledgeDeadLetterQueue } from '../../src/internal/acknowledgements';
import { fuzzProps } from '../support/fuzz';
import { badKeyArbitrary, badKeyOf, keyOptionsArbitrary, keyOptionsOf, nullPropArbitrary, uniqueName, withNull } from '../support/fuzz-arbitraries';

/** The user's keys, buses, queues and topics, shared by every case of one stack (a batch holds 25 archives). */
class Fixtures extends Construct {
  public static of(stack: Stack): Fixtures {
    return (stack.node.tryFindChild('Fixtures') as Fixtures | undefined) ?? new Fixtures(stack);
  }

  public readonly key: EncryptionKey;
  public readonly strictKey: EncryptionKey;
  public readonly importedKey: kms.IKey;
  /** The key of the user's own dead-letter queues and topic (not the archive's). */
  public readonly queueKey: EncryptionKey;
  public readonly deadLetters: sqs.Queue;
  public readonly fifo: sqs.Queue;
  public readonly importedQueue: sqs.IQueue;
  public readonly topic: sns.Topic;
  public readonly importedTopic: sns.ITopic;
  public readonly sharedBus: events.IEventBus;
  public readonly defaultBus: events.IEventBus;
  public readonly otherRegionBus: events.IEventBus;
  public readonly otherAccountBus: events.IEventBus;
  public readonly reader: iam.IRole;

  private constructor(stack: Stack) {
    super(stack, 'Fixtures');
    this.key = new EncryptionKey(this, 'Key', { protects: 'fuzzed archives' });
    this.strictKey = new EncryptionKey(this, 'StrictKey', { protects: 'fuzzed archives', strictMode: true, administrators: [new iam.AccountRootPrincipal()] });
    this.importedKey = kms.Key.fromKeyArn(this, 'ImportedKey', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    this.queueKey = new EncryptionKey(this, 'QueueKey', { protects: 'dead letters' });
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', { encryptionMasterKey: this.queueKey, enforceSSL: true, retentionPeriod: Duration.days(14) });
    acknowledgeDeadLetterQueue(this.deadLetters, 'the fuzzed event buses');
    this.fifo = new sqs.Queue(this, 'Fifo', { fifo: true, encryptionMasterKey: this.queueKey, enforceSSL: true, retentionPeriod: Duration.days(14) });
    acknowledgeDeadLetterQueue(this.fifo, 'the fuzzed event buses');
    this.importedQueue = sqs.Queue.fromQueueArn(this, 'ImportedQueue', 'arn:aws:sqs:eu-west-1:111122223333:dead-letters');
    this.topic = new sns.Topic(this, 'Topic', { masterKey: this.queueKey, enforceSSL: true });
    this.importedTopic = sns.Topic.fromTopicArn(this, 'ImportedTopic', 'arn:aws:sns:eu-west-1:111122223333:ops');
    this.sharedBus = events.EventBus.fromEventBusName(this, 'SharedBus', 'shared');
    this.defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.otherRegionBus = events.EventBus.fromEventBusArn(this, 'OtherRegionBus', 'arn:aws:events:us-east-1:111122223333:event-bus/far');
    this.otherAccountBus = events.EventBus.fromEventBusArn(this, 'OtherAccountBus', 'arn:aws:events:eu-west-1:999988887777:event-bus/theirs');
    this.reader = iam.Role.fromRoleArn(this, 'Operator', 'arn:aws:iam::111122223333:role/operator', { mutable: false });
  }
}

/**
 * Mostly `valid`, sometimes `invalid`: by default one value in ten is bad, so that about a third of all cases are
 * accepted (the nag/guard check of accepted cases is the slow part). Props checked only once the others passed (the
 * key's) are bad more often.
 */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>, invalidOneIn = 10) =>
  fc.oneof({ arbitrary: valid, weight: invalidOneIn - 1 }, { arbitrary: invalid, weight: 1 });

/** Names: mostly of the allowed characters, sometimes too long, empty or with characters EventBridge rejects. */
const nameArb = (maxLength: number) => mostly(
  fc.oneof(fc.stringMatching(new RegExp(`^[A-Za-z0-9._-]{1,${Math.min(maxLength, 64)}}$`)), fc.constant('n'.repeat(maxLength))),
  fc.oneof(fc.constantFrom('', 'orders archive', 'aws.partner/x', 'aws.orders', 'x!', 'é', 'n'.repeat(maxLength + 1)), fc.string({ maxLength: 60 })),
);

/** One value of a pattern's value array: a literal or a content filter. */
const patternValueArb = fc.oneof(
  fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null),
  fc.constantFrom<unknown>(
    { prefix: 'eu-' }, { suffix: '.png' }, { 'anything-but': ['cancelled'] }, { 'anything-but': { prefix: 'test-' } },
    { numeric: ['>', 0, '<=', 5] }, { exists: true }, { exists: false }, { cidr: '10.0.0.0/24' },
    { 'equals-ignore-case': 'Paid' }, { wildcard: 'orders/*.json' },
    // operands at the edges of what EventBridge accepts
    { numeric: ['>=', -5e9, '<=', 5e9] }, { numeric: ['=', 0.5] }, { prefix: { 'equals-ignore-case': 'EU-' } }, { suffix: { 'equals-ignore-case': '.PNG' } },
    { cidr: '0.0.0.0/0' }, { cidr: '255.255.255.255/32' }, { cidr: '2001:db8::/32' }, { cidr: '::/0' },
  ),
);

/** What a field maps to: a non-empty array of values, or a `Match` helper (which renders as such an array). */
const fieldValueArb = fc.oneof(
  { arbitrary: fc.array(patternValueArb, { minLength: 1, maxLength: 3 }), weight: 4 },
  {
    arbitrary: fc.constantFrom(() => events.Match.prefix('eu-'), () => events.Match.greaterThan(100), () => events.Match.exists(),
      () => events.Match.anythingBut('test'), () => events.Match.equalsIgnoreCase('paid'), () => events.Match.interval(1, 10)).map(make => make()),
    weight: 1,
  },
);

const fieldNameArb = fc.oneof(fc.constantFrom('status', 'total', 'region', 'id', 'customer'), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,12}$/));

const detailArb = fc.letrec<{ detail: { [field: string]: unknown } }>(tie => ({
  detail: fc.dictionary(fieldNameArb, fc.oneof({ depthSize: 'small', withCrossShrink: true }, fieldValueArb, tie('detail')), { minKeys: 1, maxKeys: 3 }),
})).detail;

/** Valid event patterns, in the shapes the construct's docs list. */
const validPatternArb = fc.record({
  'source': fc.array(fc.stringMatching(/^[a-z][a-z0-9.]{2,30}$/), { minLength: 1, maxLength: 3 }),
  'detailType': fc.array(fc.string({ minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 2 }),
  'detail-type': fc.array(fc.string({ minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 2 }),
  'account': fc.constant(['111122223333']),
  'region': fc.constant(['eu-west-1']),
  'detail': detailArb,
  '$or': fc.array(detailArb, { minLength: 1, maxLength: 2 }),
}, { requiredKeys: [] }).filter(p => Object.keys(p).length > 0 && !('detailType' in p && 'detail-type' in p));

/** Patterns EventBridge rejects: empty, malformed values or filters, or more than 4096 characters of JSON. */
const invalidPatternArb = fc.oneof(
  fc.constantFrom<unknown>(
    {}, { source: [] }, { detail: { status: 'PAID' } }, { detail: { total: [{ between: [1, 2] }] } }, { detail: { id: [{ exists: 'yes' }] } },
    { detail: { n: [{ numeric: [] }] } }, { $or: [] }, { $or: [{}] }, { detail: {} }, { detail: { x: [[1]] } },
    { detail: { x: [{ prefix: 'a', suffix: 'b' }] } }, { source: 'com.example' }, { source: [undefined] }, { source: undefined },
    // malformed content-filter operands
    { detail: { n: [{ numeric: ['>', 0, '!=', 5] }] } }, { detail: { n: [{ numeric: ['>', '10'] }] } }, { detail: { n: [{ numeric: ['<', 5e9 + 1] }] } },
    { detail: { n: [{ numeric: ['>', 0, '<'] }] } }, { source: [{ prefix: 5 }] }, { source: [{ suffix: ['a'] }] }, { detail: { ip: [{ cidr: '10.0.0.300/24' }] } },
    { detail: { ip: [{ cidr: '10.0.0.0' }] } }, { detail: { ip: [{ cidr: '2001:db8:::/32' }] } }, { detail: { s: [{ 'equals-ignore-case': 1 }] } },
  ),
  // valid by the grammar, but longer than the 4096 characters AWS::Events::Archive allows
  fc.integer({ min: 200, max: 400 }).map(n => ({ source: Array.from({ length: n }, (_, i) => `com.example.orders.source${i}`) })),
);

const keyOptionsArb = keyOptionsArbitrary(5);
const keyOptions = keyOptionsOf;

/** Retention in whole days (0 keeps events indefinitely), or in hours, fractional, huge or not a number at all. */
const retentionArb = fc.option(mostly(
  fc.oneof(fc.integer({ min: 0, max: 3650 }).map(d => ({ unit: 'days', amount: d })), fc.integer({ min: 0, max: 100 }).map(d => ({ unit: 'hours', amount: d * 24 })),
    fc.constant({ unit: 'days', amount: 2_147_483_647 })),
  fc.oneof(
    fc.integer({ min: 1, max: 1000 }).filter(h => h % 24 !== 0).map(h => ({ unit: 'hours', amount: h })),
    fc.double({ min: 0, max: 100, noNaN: true }).filter(d => !Number.isInteger(d)).map(d => ({ unit: 'days', amount: d })),
    fc.constantFrom({ unit: 'days', amount: 2_147_483_648 }, { unit: 'days', amount: Number.NaN }, { unit: 'days', amount: Number.POSITIVE_INFINITY },
      { unit: 'minutes', amount: 1 }),
  ),
), { nil: undefined });

const propsArb = fc.record({
  // a new bus (with a name and a dead-letter queue, or not), or an existing one: given a name or a dead-letter queue
  // too now and then, which the construct must reject
  bus: fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        eventBus: fc.constant(undefined),
        eventBusName: fc.option(mostly(nameArb(256), fc.constant('default'), 20), { nil: undefined, freq: 2 }),
        deadLetterQueue: mostly(fc.constantFrom(undefined, 'standard', 'imported'), fc.constant('fifo')),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        eventBus: mostly(fc.constantFrom('shared', 'default', 'sameStackSameKey', 'sameStackOtherKey'), fc.constantFrom('otherRegion', 'otherAccount')),
        eventBusName: mostly(fc.constant(undefined), nameArb(256)),
        deadLetterQueue: mostly(fc.constant(undefined), fc.constantFrom('standard', 'fifo')),
      }),
    },
  ),
  archiveName: fc.option(nameArb(48), { nil: undefined }),
  description: fc.option(mostly(fc.oneof(fc.string({ maxLength: 40 }), fc.constant('d'.repeat(512))), fc.integer({ min: 513, max: 2000 }).map(n => 'd'.repeat(n))), { nil: undefined }),
  eventPattern: fc.option(mostly(validPatternArb, invalidPatternArb, 6), { nil: undefined }),
  retention: retentionArb,
  alarmTopic: fc.constantFrom(undefined, 'encrypted', 'imported'),
  removalPolicy: fc.constantFrom(undefined, RemovalPolicy.RETAIN, RemovalPolicy.DESTROY, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE),
  encryptionKey: fc.constantFrom(undefined, undefined, 'fixtures', 'strict', 'imported'),
  keyOptions: keyOptionsArb,
  auditTrail: fc.constantFrom(undefined, 'stackShared', 'none', 'existing'),
  verifyEncryption: fc.option(fc.boolean(), { nil: undefined }),
  verifyKeyRotation: fc.option(fc.boolean(), { nil: undefined }),
  grantReplay: fc.boolean(),
  // bus logging now and then (an existing bus must refuse it); a level, detail or retention EventBridge or CloudWatch
  // Logs rejects, or the bus key as the log group's key
  logging: fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, {
    weight: 1,
    arbitrary: mostly(
      fc.record({
        level: fc.constantFrom(events.Level.ERROR, events.Level.INFO, events.Level.TRACE),
        includeDetail: fc.constantFrom(undefined, events.IncludeDetail.NONE, events.IncludeDetail.FULL),
        retention: fc.constantFrom(undefined, 365, 731, 3653),
        key: fc.constantFrom(undefined, 'queueKey'),
      }),
      fc.oneof(
        fc.record({ level: fc.constantFrom('OFF', 'DEBUG', 'error'), includeDetail: fc.constant(undefined), retention: fc.constant(undefined), key: fc.constant(undefined) }),
        fc.record({ level: fc.constant(events.Level.ERROR), includeDetail: fc.constantFrom('SOME', 'full'), retention: fc.constant(undefined), key: fc.constant(undefined) }),
        fc.record({ level: fc.constant(events.Level.ERROR), includeDetail: fc.constant(undefined), retention: fc.constantFrom(2, 366, 10000), key: fc.constant(undefined) }),
        fc.record({ level: fc.constant(events.Level.ERROR), includeDetail: fc.constant(undefined), retention: fc.constant(undefined), key: fc.constant('busKey') }),
      ),
      4,
    ),
  }),
  // keys that cannot work, and props a JavaScript caller sets to null
  badKey: fc.oneof({ arbitrary: fc.constant(undefined), weight: 14 }, { arbitrary: badKeyArbitrary, weight: 1 }),
  nulled: nullPropArbitrary('description', 'eventPattern', 'alarmTopic', 'keyOptions', 'retention', 'keyOptions.administrators[]'),
});
type Props = typeof propsArb extends fc.Arbitrary<infer P> ? P : never;

function toDuration(r: { unit: string; amount: number } | undefined): Duration | undefined {
  if (r === undefined) return undefined;
  return r.unit === 'hours' ? Duration.hours(r.amount) : r.unit === 'minutes' ? Duration.minutes(r.amount) : Duration.days(r.amount);
}

function build(stack: Stack, id: string, p: Props): void {
  const f = Fixtures.of(stack);
  const { eventBusName, deadLetterQueue } = p.bus;
  const encryptionKey = p.bus.eventBus === 'sameStackSameKey' || p.encryptionKey === 'fixtures' ? f.key
    : p.encryptionKey === 'strict' ? f.strictKey : p.encryptionKey === 'imported' ? f.importedKey : undefined;
  const eventBus = (() => {
    switch (p.bus.eventBus) {
      case 'shared': return f.sharedBus;
      case 'default': return f.defaultBus;
      case 'otherRegion': return f.otherRegionBus;
      case 'otherAccount': return f.otherAccountBus;
      // a bus of this stack on the archive's key (no warning), or one the user left on AWS owned keys (a warning)
      case 'sameStackSameKey': return new events.EventBus(stack, `${id}Bus`, { kmsKey: f.key, deadLetterQueue: f.deadLetters });
      case 'sameStackOtherKey': return new events.EventBus(stack, `${id}Bus`, { deadLetterQueue: f.deadLetters });
      default: return undefined;
    }
  })();
  const archive = new EncryptedArchive(stack, id, withNull({
    eventBus,
    eventBusName: uniqueName(eventBusName, id, 256),
    archiveName: uniqueName(p.archiveName, id, 48),
    description: p.description,
    eventPattern: p.eventPattern as events.EventPattern | undefined,
    retention: toDuration(p.retention),
    deadLetterQueue: deadLetterQueue === 'standard' ? f.deadLetters : deadLetterQueue === 'fifo' ? f.fifo : deadLetterQueue === 'imported' ? f.importedQueue : undefined,
    alarmTopic: p.alarmTopic === 'encrypted' ? f.topic : p.alarmTopic === 'imported' ? f.importedTopic : undefined,
    removalPolicy: p.removalPolicy,
    encryptionKey: p.badKey ? badKeyOf(f, id, p.badKey) : encryptionKey,
    keyOptions: keyOptions(p.keyOptions, id),
    auditTrail: p.auditTrail === 'stackShared' ? AuditTrail.stackShared() : p.auditTrail === 'none' ? AuditTrail.none()
      : p.auditTrail === 'existing' ? AuditTrail.fromTrailArn('arn:aws:cloudtrail:eu-west-1:111122223333:trail/organization') : undefined,
    verifyEncryption: p.verifyEncryption,
    verifyKeyRotation: p.verifyKeyRotation,
    logging: p.logging && {
      level: p.logging.level as events.Level,
      includeDetail: p.logging.includeDetail as events.IncludeDetail | undefined,
      retention: p.logging.retention as logs.RetentionDays | undefined,
      encryptionKey: p.logging.key === 'queueKey' ? f.queueKey : p.logging.key === 'busKey' ? encryptionKey ?? f.key : undefined,
    },
  }, p.nulled));
  if (p.grantReplay) archive.grantStartReplay(f.reader);

  // What the harness cannot see in a template: limits CloudFormation and EventBridge enforce only at deploy time.
  const cfnArchive = archive.archive.node.defaultChild as events.CfnArchive;
  const pattern = JSON.stringify(stack.resolve(cfnArchive.eventPattern));
  if (pattern !== undefined && pattern.length > 4096) throw new Error(`accepted an event pattern of ${pattern.length} characters (AWS::Events::Archive allows 4096)`);
  if (archive.deadLetterQueue?.fifo) throw new Error(`accepted a FIFO dead-letter queue (${archive.deadLetterQueue.node.path}): EventBridge dead-letter queues are standard queues`);
}

test('EncryptedArchive: random props end in a clean template or a validation error naming the prop', () => {
  const outcome = fuzzProps(propsArb, build);
  expect(outcome.rejected).toBeGreaterThan(0);
  expect(outcome.accepted).toBeGreaterThan(0);
  expect(outcome.propsNamed).toEqual(expect.arrayContaining([
    'eventBus', 'eventBusName', 'archiveName', 'description', 'eventPattern', 'retention', 'deadLetterQueue',
    'alias', 'rotationPeriod', 'pendingWindow', 'encryptionKey', 'logging', 'logging.level', 'logging.includeDetail', 'logging.retention',
  ]));
});
