/**
 * The failure-path proof: for each failure the library promises to surface (a key disabled, scheduled for deletion,
 * re-permissioned, re-tagged or granted by hand; a connection deauthorized; an RDS master secret failing to rotate; a
 * database's key failing under its alarms; a rule's, bus's or schedule's delivery failing; the deploy-time check
 * failing), derive from the deployed world the paths that report it (rule → target → key; dead-letter queue → key;
 * alarm → topic → key), fail the thing in the model (a disabled key denies every use: SNS and SQS answer
 * KMSDisabledException), and evaluate every remaining call with the IAM evaluator.
 *
 * The rule it holds the templates to: **no alert or dead letter travels through the key whose failure it reports**,
 * and when an alert channel's own key fails, something on another key notices (an alarm on the rule's failed
 * deliveries). In an app that routes its alerts (`AlertRouting`), a route ends only at a topic with a subscription;
 * otherwise the report goes no further than the topic (README, "Routing alerts to people").
 *
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html (KMSDisabledException)
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq.html
 */
import { keyByArn, queueByArn, roleByArn, topicByArn } from './catalog/common';
import { Caller, evaluate, roleCaller, serviceCaller } from './evaluator';
import { DeployedResource, DeployedWorld } from './world';
import { matchesPattern } from '../support/event-pattern';

/** One way a failure is reported: the channel and the keys it travels through. */
export interface Route {
  /** `rule X → topic Y`, `alarm X → topic Y`, `dead-letter queue X`. */
  readonly via: string;
  /** Labels of the keys the route uses (none for a route that uses no key). */
  readonly keys: string[];
  /** Whether every call of the route is allowed with the failed key out of service. */
  readonly ok: boolean;
  /** Why not, when not. */
  readonly why?: string;
}

/** One failure and how it is heard. */
export interface FailurePath {
  /** The resource that fails, as the report names it. */
  readonly subject: string;
  /** What happens to it. */
  readonly failure: string;
  /** The key that is out of service in the model, if the failure is a key's. */
  readonly failedKey?: string;
  /** The alerts and alarms that report it (the first that works is who hears it). */
  readonly heard: Route[];
  /** Where the failed deliveries are kept (each must work while the failure lasts). */
  readonly deadLetters: Route[];
  /** What is wrong, empty when the failure is heard through keys other than the failed one and every dead letter is kept. */
  readonly problems: string[];
  /** Failures the library does not watch on purpose (auditing turned off): listed, not required. */
  readonly unwatched?: string;
}

/** The tampering calls of the model: each must reach someone. */
const TAMPERING = ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy', 'UntagResource', 'TagResource', 'CreateGrant'];
const DISABLED = 'the failed key is out of service: SNS and SQS cannot use it (KMSDisabledException)';

function label(r: DeployedResource): string {
  return (r.path ?? r.logicalId).replace(/\/(Resource|Default)$/, '');
}

function cloudTrailEvent(world: DeployedWorld, key: DeployedResource, eventName: string): Record<string, unknown> {
  const arn = world.attribute(key, 'Arn');
  return {
    'version': '0',
    'source': 'aws.kms',
    'detail-type': 'AWS API Call via CloudTrail',
    'account': key.account,
    'region': key.region,
    'detail': {
      eventSource: 'kms.amazonaws.com',
      eventName,
      awsRegion: key.region,
      // a person with the rights to do it (a call AWS services make for a resource they serve is not tampering)
      userIdentity: { type: 'AssumedRole', arn: `arn:${key.partition}:sts::${key.account}:assumed-role/Admin/someone`, accountId: key.account },
      resources: [{ accountId: key.account, type: 'AWS::KMS::Key', ARN: arn }],
    },
  };
}

/** The rules of the world (in the event's account and region) whose pattern matches the event. */
function rulesMatching(world: DeployedWorld, event: Record<string, unknown>): DeployedResource[] {
  return world.ofType('AWS::Events::Rule').filter(rule => {
    if (rule.account !== event.account || rule.region !== event.region) return false;
    const pattern = world.properties(rule).EventPattern;
    return pattern !== undefined && matchesPattern(pattern, event);
  });
}

async function allows(world: DeployedWorld, caller: Caller, action: string, resource: string, context: Record<string, string>): Promise<string | undefined> {
  const { decision, explanation } = await evaluate(world, { caller, action, resource, context });
  return decision === 'Allowed' ? undefined : `${caller.label} ${action} on ${resource}: ${decision} (${explanation})`;
}

/** A delivery to an encrypted SNS topic or SQS queue: the send and the data-key calls the service makes. */
async function deliveryRoute(world: DeployedWorld, via: string, caller: Caller, target: DeployedResource, context: Record<string, string>, failedKeyArn?: string): Promise<Route> {
  const isTopic = target.type === 'AWS::SNS::Topic';
  const targetArn = isTopic ? world.ref(target) : world.attribute(target, 'Arn');
  const keyArn: string | undefined = world.properties(target).KmsMasterKeyId;
  const key = keyByArn(world, keyArn);
  const keys = keyArn === undefined ? [] : [key ? label(key) : String(keyArn)];
  if (keyArn !== undefined && failedKeyArn !== undefined && (keyArn === failedKeyArn || (key && world.attribute(key, 'Arn') === failedKeyArn))) {
    return { via, keys, ok: false, why: DISABLED };
  }
  const problems: string[] = [];
  const send = await allows(world, caller, isTopic ? 'sns:Publish' : 'sqs:SendMessage', targetArn, context);
  if (send) problems.push(send);
  if (key) {
    const viaService = { ...context, 'kms:ViaService': `${isTopic ? 'sns' : 'sqs'}.${target.region}.amazonaws.com` };
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      const denied = await allows(world, caller, action, world.attribute(key, 'Arn'), viaService);
      if (denied) problems.push(denied);
    }
  }
  // a routed app (AlertRouting): the route ends at a person, so a topic nobody subscribes to reaches no one
  const subscriptions = world.ofType('AWS::SNS::Subscription');
  if (isTopic && subscriptions.length > 0 && !subscriptions.some(sub => topicByArn(world, world.properties(sub).TopicArn) === target)) {
    problems.push(`nobody subscribes to ${label(target)} (the app routes its alerts: AlertRouting)`);
  }
  return problems.length === 0 ? { via, keys, ok: true } : { via, keys, ok: false, why: problems.join('; ') };
}

/** The topics an alarm notifies, as routes. */
async function alarmRoutes(world: DeployedWorld, alarm: DeployedResource, failedKeyArn?: string): Promise<Route[]> {
  const props = world.properties(alarm);
  const cloudwatch = serviceCaller('cloudwatch.amazonaws.com', alarm.account);
  const source = { 'aws:SourceArn': world.attribute(alarm, 'Arn'), 'aws:SourceAccount': alarm.account };
  const routes: Route[] = [];
  for (const action of props.AlarmActions ?? []) {
    const topic = topicByArn(world, action);
    routes.push(topic
      ? await deliveryRoute(world, `alarm ${label(alarm)} → topic ${label(topic)}`, cloudwatch, topic, source, failedKeyArn)
      : { via: `alarm ${label(alarm)} → ${action}`, keys: [], ok: false, why: 'the action is not a topic of these templates' });
  }
  if (routes.length === 0) routes.push({ via: `alarm ${label(alarm)}`, keys: [], ok: false, why: 'the alarm has no action' });
  return routes;
}

/** Every metric (name, dimensions, expression) an alarm reads. */
function alarmMetrics(world: DeployedWorld, alarm: DeployedResource): Array<{ name?: string; dimensions: Record<string, string>; expression?: string }> {
  const props = world.properties(alarm);
  const dims = (list: any[] | undefined) => Object.fromEntries((list ?? []).map(d => [d.Name, String(d.Value)]));
  if (props.MetricName) return [{ name: props.MetricName, dimensions: dims(props.Dimensions) }];
  return (props.Metrics ?? []).map((m: any) => ({ name: m.MetricStat?.Metric?.MetricName, dimensions: dims(m.MetricStat?.Metric?.Dimensions), expression: m.Expression }));
}

/** The alarms on a rule's permanently failed deliveries (per rule, or a Metrics Insights query over its bus). */
function alarmsOnRule(world: DeployedWorld, rule: DeployedResource): DeployedResource[] {
  const name = world.nameOf(rule);
  const bus = world.properties(rule).EventBusName ?? 'default';
  return world.ofType('AWS::CloudWatch::Alarm').filter(alarm => alarm.stackName === rule.stackName && alarmMetrics(world, alarm).some(m =>
    (m.name === 'FailedInvocations' && m.dimensions.RuleName === name)
    || (m.expression?.includes('FailedInvocations') && (m.expression.includes(`EventBusName = '${bus}'`) || (bus === 'default' && !m.expression.includes('WHERE'))))));
}

/** The alarms on a queue's depth. */
function alarmsOnQueue(world: DeployedWorld, queue: DeployedResource): DeployedResource[] {
  const name = world.attribute(queue, 'QueueName');
  return world.ofType('AWS::CloudWatch::Alarm').filter(alarm => alarmMetrics(world, alarm).some(m => m.name === 'ApproximateNumberOfMessagesVisible' && m.dimensions.QueueName === name));
}

/** How a rule's events reach people when `failedKeyArn` is out of service: its targets, its dead letters, the alarms on its failures. */
async function ruleRoutes(world: DeployedWorld, rule: DeployedResource, failedKeyArn?: string): Promise<{ heard: Route[]; deadLetters: Route[]; delivered: boolean }> {
  const events = serviceCaller('events.amazonaws.com', rule.account);
  const source = { 'aws:SourceArn': world.attribute(rule, 'Arn'), 'aws:SourceAccount': rule.account };
  const heard: Route[] = [];
  const deadLetters: Route[] = [];
  for (const target of world.properties(rule).Targets ?? []) {
    const topic = topicByArn(world, target.Arn);
    if (topic) heard.push(await deliveryRoute(world, `rule ${label(rule)} → topic ${label(topic)}`, events, topic, source, failedKeyArn));
    else heard.push({ via: `rule ${label(rule)} → ${target.Arn}`, keys: [], ok: false, why: 'the target is not a topic of these templates' });
    const queue = queueByArn(world, target.DeadLetterConfig?.Arn);
    if (queue) deadLetters.push(await deliveryRoute(world, `dead-letter queue ${label(queue)}`, events, queue, source, failedKeyArn));
  }
  const delivered = heard.some(r => r.ok);
  // the alarm fires only when a delivery failed: it is the fallback
  if (!delivered) for (const alarm of alarmsOnRule(world, rule)) heard.push(...await alarmRoutes(world, alarm, failedKeyArn));
  return { heard, deadLetters, delivered };
}

function judge(heard: Route[], deadLetters: Route[], delivered: boolean, what: string): string[] {
  const problems: string[] = [];
  if (!heard.some(r => r.ok)) problems.push(`${what} reaches no one: ${heard.map(r => `${r.via} (${r.why ?? 'ok'})`).join('; ') || 'no rule matches it'}`);
  // the dead letters are written exactly when the delivery failed: they must survive the failure too
  if (!delivered) for (const d of deadLetters.filter(r => !r.ok)) problems.push(`${what}: the dead letter is lost: ${d.via} (${d.why})`);
  return problems;
}

/** A key's tampering, and who hears it. */
async function keyFailure(world: DeployedWorld, key: DeployedResource, watchedInStack: boolean, channel: boolean): Promise<FailurePath> {
  const keyArn = world.attribute(key, 'Arn');
  const subject = label(key);
  const failure = 'disabled, scheduled for deletion, re-permissioned, re-tagged or granted by hand';
  const heard: Route[] = [];
  const deadLetters: Route[] = [];
  const problems: string[] = [];
  const rules = new Map<string, DeployedResource>();
  for (const eventName of TAMPERING) {
    const matching = rulesMatching(world, cloudTrailEvent(world, key, eventName));
    if (matching.length === 0) problems.push(`${eventName} on ${subject} matches no rule`);
    for (const rule of matching) rules.set(`${rule.stackName}/${rule.logicalId}`, rule);
  }
  if (rules.size === 0 && !watchedInStack) {
    return { subject, failure, failedKey: subject, heard, deadLetters, problems: [], unwatched: 'no key-tampering rule in its stack and region (auditing turned off)' };
  }
  if (rules.size === 0 && !channel) {
    return { subject, failure, failedKey: subject, heard, deadLetters, problems: [], unwatched: 'a key of the app that no construct of the library uses or carries alerts through' };
  }
  for (const rule of rules.values()) {
    const routes = await ruleRoutes(world, rule, keyArn);
    heard.push(...routes.heard);
    deadLetters.push(...routes.deadLetters);
    problems.push(...judge(routes.heard, routes.deadLetters, routes.delivered, `tampering with ${subject}`));
  }
  return { subject, failure, failedKey: subject, heard, deadLetters, problems };
}

/** A connection's deauthorization (its key disabled, deleted or unreachable), and who hears it. */
async function connectionFailure(world: DeployedWorld, connection: DeployedResource): Promise<FailurePath> {
  const props = world.properties(connection);
  const keyArn: string | undefined = props.KmsKeyIdentifier;
  const key = keyByArn(world, keyArn);
  const subject = label(connection);
  const event = { 'source': 'aws.events', 'detail-type': 'Connection Deauthorized', 'account': connection.account, 'region': connection.region, 'detail': { ConnectionName: world.nameOf(connection) } };
  const heard: Route[] = [];
  const deadLetters: Route[] = [];
  const problems: string[] = [];
  const rules = rulesMatching(world, event);
  if (rules.length === 0) problems.push(`the deauthorization of ${subject} matches no rule`);
  for (const rule of rules) {
    const routes = await ruleRoutes(world, rule, key ? world.attribute(key, 'Arn') : keyArn);
    heard.push(...routes.heard);
    deadLetters.push(...routes.deadLetters);
    problems.push(...judge(routes.heard, routes.deadLetters, routes.delivered, `the deauthorization of ${subject}`));
  }
  return { subject, failure: 'deauthorized (its key disabled, deleted or unreachable)', failedKey: key ? label(key) : keyArn, heard, deadLetters, problems };
}

/**
 * A failed rotation of a master user secret RDS manages (Secrets Manager's `RotationFailed`, a CloudTrail service
 * event): it may be caused by the key that encrypts the secret ("impaired": RDS can no longer access the secret or its
 * key), so that key is out of service in the model, and the alert must reach someone through other keys.
 */
async function masterSecretRotationFailure(world: DeployedWorld, resource: DeployedResource): Promise<FailurePath> {
  const secretArn = world.attribute(resource, 'MasterUserSecret.SecretArn');
  const keyArn: string | undefined = world.properties(resource).MasterUserSecret?.KmsKeyId;
  const key = keyByArn(world, keyArn);
  const subject = `${label(resource)} master user secret`;
  const event = {
    'source': 'aws.secretsmanager',
    'detail-type': 'AWS Service Event via CloudTrail',
    'account': resource.account,
    'region': resource.region,
    'detail': {
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'RotationFailed',
      eventType: 'AwsServiceEvent',
      userIdentity: { accountId: resource.account, invokedBy: 'secretsmanager.amazonaws.com' },
      additionalEventData: { SecretId: secretArn },
    },
  };
  const heard: Route[] = [];
  const deadLetters: Route[] = [];
  const problems: string[] = [];
  const rules = rulesMatching(world, event);
  if (rules.length === 0) problems.push(`a failed rotation of the master secret of ${label(resource)} matches no rule`);
  for (const rule of rules) {
    const routes = await ruleRoutes(world, rule, key ? world.attribute(key, 'Arn') : keyArn);
    heard.push(...routes.heard);
    deadLetters.push(...routes.deadLetters);
    problems.push(...judge(routes.heard, routes.deadLetters, routes.delivered, `a failed rotation of the master secret of ${label(resource)}`));
    // the alert itself (not only the alarm behind it) must not need the key that may be the cause
    for (const route of routes.heard.filter(r => r.why === DISABLED)) problems.push(`the rotation-failure alert travels through the secret's key: ${route.via}`);
  }
  return { subject, failure: 'fails to rotate (e.g. its key disabled, or RDS lost access to it)', failedKey: key ? label(key) : keyArn, heard, deadLetters, problems };
}

/**
 * A database whose storage key fails: "If you disable or revoke permissions to a KMS key used by an RDS database, RDS
 * puts your database into a terminal state when access to the KMS key is required" (Aurora, KMS key management). The
 * alarms on it (CPU, connections, memory or capacity, replica lag: by `DBInstanceIdentifier` or `DBClusterIdentifier`)
 * are how people see it go, so every one must still reach its topic with that key out of service.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.Encryption.Keys.html
 */
async function databaseAlarmsFailure(world: DeployedWorld, db: DeployedResource): Promise<FailurePath | undefined> {
  const props = world.properties(db);
  if (!props.StorageEncrypted || props.KmsKeyId === undefined) return undefined;
  const dimension = db.type === 'AWS::RDS::DBCluster' ? 'DBClusterIdentifier' : 'DBInstanceIdentifier';
  const name = world.ref(db);
  const alarms = world.ofType('AWS::CloudWatch::Alarm').filter(alarm => alarmMetrics(world, alarm).some(m => m.dimensions[dimension] === name));
  if (alarms.length === 0) return undefined;
  const failedKey = namedKey(world, props.KmsKeyId);
  const heard: Route[] = [];
  for (const alarm of alarms) heard.push(...await alarmRoutes(world, alarm, failedKey.arn));
  const problems = heard.filter(r => !r.ok).map(r => `an alarm on ${label(db)} is lost with its key: ${r.via} (${r.why})`);
  return { subject: label(db), failure: 'its key disabled or unusable (RDS makes it inaccessible): each alarm on it still reaches its topic', failedKey: failedKey.label, heard, deadLetters: [], problems };
}

/**
 * A failure whose deliveries go to a dead-letter queue: the dead letter must be kept with `failedKeyArn` out of
 * service, and an alarm on the queue's depth must be heard through another key.
 */
async function deadLetteredFailure(world: DeployedWorld, subject: string, failure: string, failedKey: { arn: string; label: string },
  producer: Caller, queue: DeployedResource, context: Record<string, string>): Promise<FailurePath> {
  const deadLetters = [await deliveryRoute(world, `dead-letter queue ${label(queue)}`, producer, queue, context, failedKey.arn)];
  const heard: Route[] = [];
  for (const alarm of alarmsOnQueue(world, queue)) heard.push(...await alarmRoutes(world, alarm, failedKey.arn));
  return { subject, failure, failedKey: failedKey.label, heard, deadLetters, problems: judge(heard, deadLetters, false, `${failure} (${subject})`) };
}

/** The key a resource names, as the model fails it: its ARN and the report's label. */
function namedKey(world: DeployedWorld, keyArnOrId: string): { arn: string; label: string } {
  const key = keyByArn(world, keyArnOrId);
  return key ? { arn: world.attribute(key, 'Arn'), label: label(key) } : { arn: keyArnOrId, label: keyArnOrId };
}

/** An event bus whose key fails: EventBridge dead-letters its events; the alarm on that queue is heard. */
async function busFailure(world: DeployedWorld, bus: DeployedResource): Promise<FailurePath | undefined> {
  const props = world.properties(bus);
  const queue = queueByArn(world, props.DeadLetterConfig?.Arn);
  if (!props.KmsKeyIdentifier || !queue) return undefined;
  return deadLetteredFailure(world, label(bus), 'its key disabled or missing: EventBridge sends its events to the bus dead-letter queue', namedKey(world, props.KmsKeyIdentifier),
    serviceCaller('events.amazonaws.com', bus.account), queue, { 'aws:SourceArn': world.attribute(bus, 'Arn'), 'aws:SourceAccount': bus.account });
}

/** A schedule whose target (or key) fails: Scheduler sends a dead-letter event with the execution role. */
async function scheduleFailure(world: DeployedWorld, schedule: DeployedResource): Promise<FailurePath | undefined> {
  const props = world.properties(schedule);
  const queue = queueByArn(world, props.Target?.DeadLetterConfig?.Arn);
  const role = roleByArn(world, props.Target?.RoleArn);
  if (!queue || !role) return undefined;
  return deadLetteredFailure(world, label(schedule), 'its target fails after every retry, or its key is disabled', namedKey(world, props.KmsKeyArn),
    roleCaller(world, role, `execution role of ${label(schedule)}`), queue, {});
}

/** A rule the library made with a dead-letter queue whose target fails: the dead letter and the alarm on the rule. */
async function ruleDeliveryFailure(world: DeployedWorld, rule: DeployedResource): Promise<FailurePath | undefined> {
  const targets: any[] = world.properties(rule).Targets ?? [];
  const withDeadLetters = targets.filter(t => t.DeadLetterConfig?.Arn);
  if (withDeadLetters.length === 0) return undefined;
  const events = serviceCaller('events.amazonaws.com', rule.account);
  const source = { 'aws:SourceArn': world.attribute(rule, 'Arn'), 'aws:SourceAccount': rule.account };
  const deadLetters: Route[] = [];
  const heard: Route[] = [];
  const problems: string[] = [];
  for (const target of withDeadLetters) {
    const destination = topicByArn(world, target.Arn) ?? queueByArn(world, target.Arn) ?? world.ofType('AWS::Kinesis::Stream').find(s => world.attribute(s, 'Arn') === target.Arn);
    const destinationProps = destination ? world.properties(destination) : undefined;
    const destinationKey = keyByArn(world, destinationProps?.KmsMasterKeyId ?? destinationProps?.StreamEncryption?.KeyId);
    const failedKeyArn = destinationKey ? world.attribute(destinationKey, 'Arn') : undefined;
    const queue = queueByArn(world, target.DeadLetterConfig.Arn)!;
    const kept = await deliveryRoute(world, `dead-letter queue ${label(queue)}`, events, queue, source, failedKeyArn);
    deadLetters.push(kept);
    const alarms: Route[] = [];
    for (const alarm of alarmsOnRule(world, rule)) alarms.push(...await alarmRoutes(world, alarm, failedKeyArn));
    heard.push(...alarms.filter(a => !heard.some(h => h.via === a.via && h.ok === a.ok)));
    problems.push(...judge(alarms, [kept], false, `a failed delivery of ${label(rule)}${destinationKey ? ` (its target's key ${label(destinationKey)} out of service)` : ''}`));
  }
  return { subject: label(rule), failure: 'its target cannot be reached (e.g. the target\'s key is disabled)', heard, deadLetters, problems };
}

/**
 * A rule on a bus encrypted with a customer managed key, whose key fails while EventBridge delivers the rule's events:
 * "If a non-retriable encryption or decryption error occurs while EventBridge is attempting to send the event to a
 * target ... the event is sent to the DLQ for the target". So each target's dead letter must be kept with the bus key
 * out of service (a target's dead-letter queue on the bus key loses it), and the alarm on the rule must be heard.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq.html
 */
async function ruleBusKeyFailure(world: DeployedWorld, rule: DeployedResource): Promise<FailurePath | undefined> {
  const busName = world.properties(rule).EventBusName;
  const bus = world.ofType('AWS::Events::EventBus').find(b => world.nameOf(b) === busName || world.attribute(b, 'Arn') === busName);
  const busKey = bus ? keyByArn(world, world.properties(bus).KmsKeyIdentifier) : undefined;
  const queues = (world.properties(rule).Targets ?? []).map((t: any) => queueByArn(world, t.DeadLetterConfig?.Arn)).filter((q: DeployedResource | undefined) => q !== undefined);
  if (!busKey || queues.length === 0) return undefined;
  const failedKeyArn = world.attribute(busKey, 'Arn');
  const events = serviceCaller('events.amazonaws.com', rule.account);
  const source = { 'aws:SourceArn': world.attribute(rule, 'Arn'), 'aws:SourceAccount': rule.account };
  const deadLetters: Route[] = [];
  for (const queue of new Set<DeployedResource>(queues)) deadLetters.push(await deliveryRoute(world, `dead-letter queue ${label(queue)}`, events, queue, source, failedKeyArn));
  const heard: Route[] = [];
  for (const alarm of alarmsOnRule(world, rule)) heard.push(...await alarmRoutes(world, alarm, failedKeyArn));
  return {
    subject: label(rule),
    failure: 'its bus\'s key fails while EventBridge delivers (the events go to the targets\' dead-letter queues)',
    failedKey: label(busKey),
    heard,
    deadLetters,
    problems: judge(heard, deadLetters, false, `a delivery of ${label(rule)} with its bus's key ${label(busKey)} out of service`),
  };
}

/** The keys of the topics and queues that alarms, rules, buses and schedules deliver to or dead-letter into. */
function channelKeys(world: DeployedWorld): Set<DeployedResource> {
  const arns: Array<string | undefined> = [];
  for (const alarm of world.ofType('AWS::CloudWatch::Alarm')) arns.push(...world.properties(alarm).AlarmActions ?? []);
  for (const rule of world.ofType('AWS::Events::Rule')) {
    for (const target of world.properties(rule).Targets ?? []) arns.push(target.Arn, target.DeadLetterConfig?.Arn);
  }
  for (const bus of world.ofType('AWS::Events::EventBus')) arns.push(world.properties(bus).DeadLetterConfig?.Arn);
  for (const schedule of world.ofType('AWS::Scheduler::Schedule')) arns.push(world.properties(schedule).Target?.DeadLetterConfig?.Arn);
  const keys = new Set<DeployedResource>();
  for (const arn of arns) {
    const holder = topicByArn(world, arn) ?? queueByArn(world, arn);
    const key = holder ? keyByArn(world, world.properties(holder).KmsMasterKeyId) : undefined;
    if (key) keys.add(key);
  }
  return keys;
}

/** Every failure of the world the library reports, and how it is heard. */
export async function failurePaths(world: DeployedWorld): Promise<FailurePath[]> {
  const out: FailurePath[] = [];
  const tamperingStacks = new Set(world.ofType('AWS::Events::Rule')
    .filter(r => world.properties(r).EventPattern?.source?.[0] === 'aws.kms').map(r => `${r.account}/${r.region}/${r.stackName}`));
  const channels = channelKeys(world);
  for (const key of world.ofType('AWS::KMS::Key')) {
    out.push(await keyFailure(world, key, tamperingStacks.has(`${key.account}/${key.region}/${key.stackName}`), channels.has(key)));
  }
  for (const connection of world.ofType('AWS::Events::Connection')) out.push(await connectionFailure(world, connection));
  for (const db of [...world.ofType('AWS::RDS::DBInstance'), ...world.ofType('AWS::RDS::DBCluster')]) {
    if (world.properties(db).ManageMasterUserPassword) out.push(await masterSecretRotationFailure(world, db));
    const alarms = await databaseAlarmsFailure(world, db);
    if (alarms) out.push(alarms);
  }
  for (const bus of world.ofType('AWS::Events::EventBus')) {
    const path = await busFailure(world, bus);
    if (path) out.push(path);
  }
  for (const schedule of world.ofType('AWS::Scheduler::Schedule')) {
    const path = await scheduleFailure(world, schedule);
    if (path) out.push(path);
  }
  for (const rule of world.ofType('AWS::Events::Rule')) {
    const path = await ruleDeliveryFailure(world, rule);
    if (path) out.push(path);
    const busKeyPath = await ruleBusKeyFailure(world, rule);
    if (busKeyPath) out.push(busKeyPath);
  }
  for (const check of world.ofType('Custom::EncryptionVerification')) {
    out.push({
      subject: label(check),
      failure: 'the deploy-time check fails',
      heard: [{ via: 'CloudFormation: the stack event\'s Reason names the failed check and its fix; the deploy rolls back', keys: [], ok: true }],
      deadLetters: [],
      problems: [],
    });
  }
  return out;
}

/** A readable account of the failures that are not heard as they must be, for a test's failure message. */
export function describeFailurePaths(paths: FailurePath[]): string {
  return paths.filter(p => p.problems.length > 0).map(p => [`✗ ${p.subject}: ${p.failure}`, ...p.problems.map(x => `  ${x}`)].join('\n')).join('\n');
}
