import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { AuditTrail, BusLogDestination, EncryptionKey } from '../../src';
import { EncryptedArchive } from '../../src/encrypted-archive';
import { acknowledgeDeadLetterQueue, acknowledgeEach } from '../../src/internal/acknowledgements';
import { fuzzProps } from '../support/fuzz';
import { badKeyArbitrary, badKeyOf, keyOptionsArbitrary, keyOptionsOf, mostly, nullPropArbitrary, uniqueName, withNull } from '../support/fuzz-arbitraries';

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
  /** Rule targets on the user's own key (`queueKey`): a queue and a stream. */
  public readonly targetQueue: sqs.Queue;
  public readonly stream: kinesis.Stream;
  /** The rules' dead-letter queue, on a key of its own (a dead-letter queue on its target's key is refused). */
  public readonly ruleDeadLetters: sqs.Queue;
  public readonly otherRegionQueue: sqs.IQueue;
  /** Bus log destinations of the user's, on the user's own key (`queueKey`): a log group, a bucket, an imported stream. */
  public readonly logGroup: logs.LogGroup;
  public readonly logBucket: s3.Bucket;
  public readonly logStream: firehose.IDeliveryStream;

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
    this.targetQueue = new sqs.Queue(this, 'TargetQueue', {
      encryptionMasterKey: this.queueKey, enforceSSL: true, deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 3 },
    });
    this.stream = new kinesis.Stream(this, 'Stream', { encryption: kinesis.StreamEncryption.KMS, encryptionKey: this.queueKey });
    acknowledgeEach(this.stream, { 'AwsSolutions-KDS3': 'The stream is encrypted with a customer managed key on purpose (cdk-encrypted-constructs).' });
    this.ruleDeadLetters = new sqs.Queue(this, 'RuleDeadLetters', {
      encryptionMasterKey: new EncryptionKey(this, 'RuleDeadLetterKey', { protects: 'undelivered rule events' }), enforceSSL: true, retentionPeriod: Duration.days(14),
    });
    acknowledgeDeadLetterQueue(this.ruleDeadLetters, 'the fuzzed archive rules');
    this.otherRegionQueue = sqs.Queue.fromQueueArn(this, 'OtherRegionQueue', 'arn:aws:sqs:us-east-1:111122223333:dead-letters');
    this.logGroup = new logs.LogGroup(this, 'LogGroup', { logGroupName: '/fuzz/bus-logs', encryptionKey: this.queueKey, retention: logs.RetentionDays.ONE_YEAR });
    this.logBucket = new s3.Bucket(this, 'LogBucket', {
      encryption: s3.BucketEncryption.KMS, encryptionKey: this.queueKey, enforceSSL: true, versioned: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    });
    acknowledgeEach(this.logBucket, Object.fromEntries([
      'AwsSolutions-S1', 'HIPAA.Security-S3BucketLoggingEnabled', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'PCI.DSS.321-S3BucketLoggingEnabled',
      'HIPAA.Security-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled', 'PCI.DSS.321-S3BucketReplicationEnabled', 's3_bucket_logging_enabled_check',
      's3_version_lifecycle_policy_check', 's3_event_notifications_enabled_check', 's3_lifecycle_policy_check', 's3_bucket_object_lock_enabled_check',
    ].map(rule => [rule, 'A fixture bucket of the fuzz test (bus log destination): its logging, replication, lifecycle and locking are the user\'s choice, not the library\'s.'])));
    this.logStream = firehose.DeliveryStream.fromDeliveryStreamName(this, 'LogStream', 'bus-logs');
  }
}

// `mostly` (support/fuzz-arbitraries): by default one value in ten is bad, so that about a third of all cases are
// accepted (the nag/guard check of accepted cases is the slow part). Props checked only once the others passed (the
// key's) are bad more often.

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

/**
 * One target of an archive rule: a queue, topic, stream, Firehose stream or bus on the user's own key or imported (a
 * warning), now and then on the archive's key or an AWS managed key (refused), or in another region (refused, except
 * for a bus); a bus now and then of another account (allowed); its dead-letter queue now and then FIFO, in another
 * region, on the target's key or on the archive's key (refused).
 */
const targetArb = fc.record({
  kind: fc.constantFrom('queue', 'topic', 'stream', 'firehose', 'bus'),
  on: mostly(fc.constantFrom('own', 'own', 'imported'), fc.constantFrom('archiveKey', 'awsManaged', 'otherRegion'), 8),
  deadLetterQueue: mostly(fc.constantFrom(undefined, undefined, 'standard'), fc.constantFrom('fifo', 'otherRegion', 'targetKey', 'archiveKey'), 6),
});
type TargetSpec = typeof targetArb extends fc.Arbitrary<infer T> ? T : never;

/** A rule on the archive's bus (`addRule`): its props, with up to 3 targets, now and then 6 (EventBridge allows 5). */
const ruleArb = fc.record({
  eventPattern: mostly(validPatternArb, fc.oneof(invalidPatternArb, fc.constantFrom<unknown>(undefined, null, 'rate(5 minutes)', [{ source: ['a'] }])), 6),
  ruleName: fc.option(nameArb(64), { nil: undefined }),
  description: fc.option(mostly(fc.string({ maxLength: 40 }), fc.integer({ min: 513, max: 1000 }).map(n => 'd'.repeat(n))), { nil: undefined }),
  enabled: fc.option(fc.boolean(), { nil: undefined }),
  targets: mostly(fc.array(targetArb, { maxLength: 3 }), fc.array(targetArb.map((t): TargetSpec => ({ ...t, on: 'own', deadLetterQueue: undefined })), { minLength: 6, maxLength: 6 }), 20),
  /** Targets in the props, added later with `rule.addTarget`, or given as something that is not an array. */
  targetsAs: mostly(fc.constantFrom('props', 'addTarget'), fc.constant('notArray'), 20),
  /** `events.RuleProps` members a JavaScript caller may pass, which the rule refuses. */
  extra: mostly(fc.constant(undefined), fc.constantFrom('eventBus', 'schedule'), 20),
});
type RuleSpec = typeof ruleArb extends fc.Arbitrary<infer R> ? R : never;

/** Producers from other accounts: valid organization and account ids, or malformed ones, an empty list or the own account. */
const producersArb = fc.record({
  organizationId: fc.option(mostly(fc.stringMatching(/^o-[a-z0-9]{10,32}$/),
    fc.oneof(fc.constantFrom<unknown>('o-short', 'o-A1B2C3D4E5', 'a1b2c3d4e5f6', `o-${'a'.repeat(33)}`, '', 42), fc.string({ maxLength: 20 })), 6), { nil: undefined }),
  accountIds: fc.option(mostly(fc.array(fc.stringMatching(/^\d{12}$/).filter(a => a !== '111122223333'), { minLength: 1, maxLength: 3 }),
    fc.constantFrom<unknown>([], ['111122223333'], ['12345678901'], ['1234567890123'], ['abcdefghijkl'], [123456789012], '444455556666'), 6), { nil: undefined }),
});

const BAD_LOG_DESTINATIONS = ['unencryptedGroup', 's3ManagedBucket', 'retention'];

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
  // a rule and producers in one case of four each
  rule: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: ruleArb, weight: 1 }),
  producers: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: producersArb, weight: 1 }),
  nulled: nullPropArbitrary('description', 'eventPattern', 'alarmTopic', 'keyOptions', 'retention', 'keyOptions.administrators[]'),
  // where the logs go (drawn last, so that the other props are drawn as before): the construct's own log group, or a
  // log group, bucket or stream of the user's on the user's key (the construct's retention and key then left out);
  // refused: a log group without a key, an SSE-S3 bucket, the construct's retention with a destination of the user's
  logDestination: mostly(fc.constantFrom(undefined, 'logGroup', 'bucket', 'firehose'), fc.constantFrom(...BAD_LOG_DESTINATIONS), 6),
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
      ...(destinationOf(p) === undefined ? {} : {
        destination: logDestination(stack, id, destinationOf(p)),
        retention: destinationOf(p) === 'retention' ? logs.RetentionDays.ONE_YEAR : undefined,
        encryptionKey: undefined,
      }),
    },
  }, p.nulled));
  if (p.grantReplay) archive.grantStartReplay(f.reader);
  if (p.rule) addRule(stack, id, archive, p.rule);
  // only a bus this stack defines takes a bus policy: for an imported one, the error names eventBus
  if (p.producers) {
    if (p.producers.organizationId !== undefined) archive.allowPutEventsFromOrganization(p.producers.organizationId as string);
    if (p.producers.accountIds !== undefined) archive.allowPutEventsFromAccounts(p.producers.accountIds as string[]);
  }

  // What the harness cannot see in a template: limits CloudFormation and EventBridge enforce only at deploy time.
  const cfnArchive = archive.archive.node.defaultChild as events.CfnArchive;
  const pattern = JSON.stringify(stack.resolve(cfnArchive.eventPattern));
  if (pattern !== undefined && pattern.length > 4096) throw new Error(`accepted an event pattern of ${pattern.length} characters (AWS::Events::Archive allows 4096)`);
  if (archive.deadLetterQueue?.fifo) throw new Error(`accepted a FIFO dead-letter queue (${archive.deadLetterQueue.node.path}): EventBridge dead-letter queues are standard queues`);
}

/**
 * The destination drawn for the case, where it hides no other error of the case: not where the logging's own retention
 * or key is bad (their errors stay), and a bad one not where a rule or producers follow (the constructor's error would
 * come before theirs).
 */
function destinationOf(p: Props): string | undefined {
  const d = p.logDestination;
  if (d === undefined || !p.logging) return undefined;
  if (p.logging.key === 'busKey' || ![undefined, 365, 731, 3653].includes(p.logging.retention)) return undefined;
  if (BAD_LOG_DESTINATIONS.includes(d) && (p.rule || p.producers)) return undefined;
  return d;
}

/** The bus log destination a spec names; the ones the construct must refuse are created for the case alone (never synthesized). */
function logDestination(stack: Stack, id: string, kind: string | undefined): BusLogDestination | undefined {
  const f = Fixtures.of(stack);
  switch (kind) {
    case 'logGroup': return BusLogDestination.logGroup(f.logGroup);
    case 'bucket': case 'retention': return BusLogDestination.bucket(f.logBucket);
    case 'firehose': return BusLogDestination.firehose(f.logStream);
    case 'unencryptedGroup': return BusLogDestination.logGroup(new logs.LogGroup(stack, `${id}LogGroup`, { logGroupName: `/fuzz/${id}` }));
    case 's3ManagedBucket': return BusLogDestination.bucket(new s3.Bucket(stack, `${id}LogBucket`, { encryption: s3.BucketEncryption.S3_MANAGED }));
    default: return undefined;
  }
}

function addRule(stack: Stack, id: string, archive: EncryptedArchive, r: RuleSpec): void {
  const f = Fixtures.of(stack);
  const ruleTargets = r.targets.map((t, i) => targetOf(stack, `${id}Rule${i}`, archive, t));
  const rule = archive.addRule(`${id}Rule`, {
    eventPattern: r.eventPattern as events.EventPattern,
    ruleName: uniqueName(r.ruleName, id, 64),
    description: r.description,
    enabled: r.enabled,
    targets: r.targetsAs === 'props' ? ruleTargets : r.targetsAs === 'notArray' ? ruleTargets[0] as unknown as events.IRuleTarget[] : undefined,
    ...(r.extra === 'eventBus' ? { eventBus: f.sharedBus } : r.extra === 'schedule' ? { schedule: events.Schedule.rate(Duration.minutes(5)) } : {}),
  });
  if (r.targetsAs === 'addTarget') ruleTargets.forEach(t => rule.addTarget(t));
  // What the harness cannot see in a template: the targets and dead-letter queues EventBridge refuses only at deploy time.
  const rendered = (stack.resolve((rule.node.defaultChild as events.CfnRule).targets) ?? []) as events.CfnRule.TargetProperty[];
  if (rendered.length > 5) throw new Error(`accepted a rule of ${rendered.length} targets (EventBridge allows 5)`);
  const fifo = JSON.stringify(stack.resolve(f.fifo.queueArn));
  if (rendered.some(t => JSON.stringify(stack.resolve(t.deadLetterConfig)?.arn) === fifo)) throw new Error('accepted a FIFO dead-letter queue of a rule target');
  // a target without a dead-letter queue is the user's choice, which cdk-nag's Serverless pack flags (see rules.test.ts);
  // it flags a rule with no targets too (its check reads the targets as an array)
  if (r.targets.length === 0 || r.targets.some(t => t.deadLetterQueue === undefined)) {
    acknowledgeEach(rule, { 'Serverless-EventBusDLQ': 'The fuzzed rule gives some targets no dead-letter queue on purpose.' });
  }
}

/** The target a spec names; the ones the rule must refuse are created for the case alone (they are never synthesized). */
function targetOf(stack: Stack, id: string, archive: EncryptedArchive, t: TargetSpec): events.IRuleTarget {
  const f = Fixtures.of(stack);
  const deadLetterQueue = t.deadLetterQueue === 'standard' ? f.ruleDeadLetters : t.deadLetterQueue === 'fifo' ? f.fifo
    : t.deadLetterQueue === 'otherRegion' ? f.otherRegionQueue : t.deadLetterQueue === 'targetKey' ? f.deadLetters
      : t.deadLetterQueue === 'archiveKey' ? new sqs.Queue(stack, `${id}DeadLetters`, { encryptionMasterKey: archive.encryptionKey }) : undefined;
  switch (t.kind) {
    case 'queue': return new targets.SqsQueue(
      t.on === 'own' ? f.targetQueue : t.on === 'imported' ? f.importedQueue : t.on === 'otherRegion' ? f.otherRegionQueue
        : t.on === 'archiveKey' ? new sqs.Queue(stack, id, { encryptionMasterKey: archive.encryptionKey }) : new sqs.Queue(stack, id, { encryption: sqs.QueueEncryption.KMS_MANAGED }),
      { deadLetterQueue });
    case 'topic': return new targets.SnsTopic(
      t.on === 'own' ? f.topic : t.on === 'imported' ? f.importedTopic
        : t.on === 'otherRegion' ? sns.Topic.fromTopicArn(stack, id, 'arn:aws:sns:us-east-1:111122223333:far')
          : new sns.Topic(stack, id, { masterKey: t.on === 'archiveKey' ? archive.encryptionKey : kms.Alias.fromAliasName(stack, `${id}Alias`, 'alias/aws/sns') }),
      { deadLetterQueue });
    case 'stream': return new targets.KinesisStream(
      t.on === 'own' ? f.stream : t.on === 'archiveKey' ? new kinesis.Stream(stack, id, { encryption: kinesis.StreamEncryption.KMS, encryptionKey: archive.encryptionKey })
        : kinesis.Stream.fromStreamArn(stack, id, t.on === 'imported' ? 'arn:aws:kinesis:eu-west-1:111122223333:stream/records' : 'arn:aws:kinesis:us-east-1:111122223333:stream/far'),
      { deadLetterQueue });
    case 'firehose': return new targets.FirehoseDeliveryStream(firehose.DeliveryStream.fromDeliveryStreamArn(stack, id,
      t.on === 'otherRegion' ? 'arn:aws:firehose:us-east-1:111122223333:deliverystream/far' : 'arn:aws:firehose:eu-west-1:111122223333:deliverystream/records'));
    default: return new targets.EventBus(
      t.on === 'own' ? f.sharedBus : t.on === 'imported' ? f.otherAccountBus : t.on === 'otherRegion' ? f.otherRegionBus : f.defaultBus,
      { deadLetterQueue });
  }
}

test('EncryptedArchive: random props end in a clean template or a validation error naming the prop', () => {
  const outcome = fuzzProps(propsArb, build);
  expect(outcome.rejected).toBeGreaterThan(0);
  expect(outcome.accepted).toBeGreaterThan(0);
  expect(outcome.propsNamed).toEqual(expect.arrayContaining([
    'eventBus', 'eventBusName', 'archiveName', 'description', 'eventPattern', 'retention', 'deadLetterQueue',
    'alias', 'rotationPeriod', 'pendingWindow', 'encryptionKey', 'logging', 'logging.level', 'logging.includeDetail', 'logging.retention', 'logging.destination',
    // addRule (the rule's props and targets) and the producers
    'ruleName', 'schedule', 'target', expect.stringMatching(/^deadLetterQueue of the target /), 'organizationId', 'accountIds[0]',
  ]));
});
