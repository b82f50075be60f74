/**
 * Rules on an encrypted event bus delivering to targets on customer managed keys (`EncryptedArchive.addRule`): SQS
 * queues and SNS topics EventBridge reaches through their resource policies, and the dead-letter queues of every target. The alerts catalog
 * already proves the topic deliveries and the dead-letter sends for each rule and a refusal for another rule of the
 * account; this one adds the queue targets, the targets EventBridge reaches with the rule's role (Kinesis streams and
 * their keys, Firehose streams, other buses), and the refusals for another account and, at the keys, for another rule.
 */
import { Caller, roleCaller, serviceCaller } from '../evaluator';
import { DeployedResource, DeployedWorld } from '../world';
import { keyByArn, pathsFor, queueByArn, queueProducerPaths, roleByArn, topicByArn, via } from './common';
import { DOCS } from './docs';
import { AccessPath, Catalog, subjectOf } from './types';

const OTHER_ACCOUNT = '999988887777';

export const ruleTargetsCatalog: Catalog = (world, principals) => {
  const out: AccessPath[] = [];
  const events = principals.service('events.amazonaws.com');
  const strangerEvents = serviceCaller('events.amazonaws.com', OTHER_ACCOUNT);
  const trusted = new Set<DeployedResource>();
  for (const rule of world.ofType('AWS::Events::Rule').filter(r => onEncryptedBus(world, r))) {
    const ruleArn = world.attribute(rule, 'Arn');
    const source = { 'aws:SourceArn': ruleArn, 'aws:SourceAccount': rule.account };
    const otherRule = { 'aws:SourceArn': ruleArn.replace(/\/[^/]+$/, '/another-rule'), 'aws:SourceAccount': rule.account };
    const otherAccount = { 'aws:SourceArn': ruleArn.replace(`:${rule.account}:`, `:${OTHER_ACCOUNT}:`), 'aws:SourceAccount': OTHER_ACCOUNT };
    const subject = subjectOf(rule);
    const path = pathsFor(subject);
    for (const target of world.properties(rule).Targets ?? []) {
      const queue = queueByArn(world, target.Arn);
      if (queue && !target.RoleArn) {
        const queueArn = world.attribute(queue, 'Arn');
        out.push(
          ...queueProducerPaths(world, subject, 'runtime', events, queue, { send: DOCS.eventBridgeSqsTargetPolicy, key: DOCS.eventBridgeDeadLetterQueueKey }, source, ['aws:SourceAccount']),
          path('negative', `EventBridge cannot send another rule's events to the queue ${queue.logicalId}`, events, 'sqs:SendMessage', queueArn, 'Denied', DOCS.eventBridgeSqsTargetPolicy, otherRule),
          path('negative', `EventBridge cannot send another account's events to the queue ${queue.logicalId}`, strangerEvents, 'sqs:SendMessage', queueArn, 'Denied',
            DOCS.eventBridgeSqsTargetPolicy, otherAccount),
          ...keyRefusals(world, path, queue, 'sqs', events, strangerEvents, otherRule, otherAccount),
        );
      }
      const topic = topicByArn(world, target.Arn);
      if (topic && !target.RoleArn) {
        out.push(path('negative', `EventBridge cannot publish another account's events to the topic ${topic.logicalId}`, strangerEvents, 'sns:Publish', world.ref(topic), 'Denied',
          DOCS.eventBridgeSnsTopicPolicy, otherAccount));
      }
      const role = roleByArn(world, target.RoleArn);
      if (role) {
        if (!trusted.has(role)) out.push(...roleTrustPaths(world, path, role, events, strangerEvents, source, otherRule, otherAccount));
        trusted.add(role);
        out.push(...roleTargetPaths(world, path, rule, role, target.Arn));
      }
      const deadLetters = queueByArn(world, target.DeadLetterConfig?.Arn);
      if (deadLetters) {
        out.push(
          path('negative', `EventBridge cannot dead-letter another account's events into ${deadLetters.logicalId}`, strangerEvents, 'sqs:SendMessage',
            world.attribute(deadLetters, 'Arn'), 'Denied', DOCS.eventBridgeDeadLetterQueue, otherAccount),
          ...keyRefusals(world, path, deadLetters, 'sqs', events, strangerEvents, otherRule, otherAccount),
        );
      }
    }
  }
  return out;
};

/** Whether the rule is on a bus of the world encrypted with a customer managed key (a rule of `EncryptedArchive.addRule`). */
function onEncryptedBus(world: DeployedWorld, rule: DeployedResource): boolean {
  const busName = world.properties(rule).EventBusName;
  const bus = world.ofType('AWS::Events::EventBus').find(b => world.nameOf(b) === busName || world.attribute(b, 'Arn') === busName);
  return bus !== undefined && world.properties(bus).KmsKeyIdentifier !== undefined;
}

/**
 * At the queue's key: EventBridge's statement is checked against the rule whenever EventBridge presents an
 * `aws:SourceArn`, so a request on behalf of another rule or account is refused there too. Not where the same key also
 * serves an SNS topic for EventBridge: SNS requires that statement without source conditions (SNS key management), so
 * the refusal rests on the queue policy alone.
 */
function keyRefusals(world: DeployedWorld, path: ReturnType<typeof pathsFor>, queue: DeployedResource, service: string, events: Caller, strangerEvents: Caller,
  otherRule: Record<string, string>, otherAccount: Record<string, string>): AccessPath[] {
  const key = keyByArn(world, world.properties(queue).KmsMasterKeyId);
  if (!key || servesEventBridgeWithoutConditions(world, key)) return [];
  const keyArn = world.attribute(key, 'Arn');
  const context = { 'kms:ViaService': via(world, queue, service), 'kms:EncryptionContext:aws:sqs:arn': world.attribute(queue, 'Arn') };
  return [
    path('negative', `EventBridge cannot use ${key.logicalId} for another rule's messages`, events, 'kms:GenerateDataKey', keyArn, 'Denied', DOCS.eventBridgeDeadLetterQueueKey,
      { ...context, ...otherRule }),
    path('negative', `EventBridge cannot use ${key.logicalId} on behalf of another account`, strangerEvents, 'kms:GenerateDataKey', keyArn, 'Denied', DOCS.eventBridgeDeadLetterQueueKey,
      { ...context, ...otherAccount }),
  ];
}

/**
 * Whether EventBridge publishes to an SNS topic on this key (a rule targets the topic without a role): SNS requires the
 * key's statement for EventBridge without source conditions, which admits every request of EventBridge at the key.
 */
function servesEventBridgeWithoutConditions(world: DeployedWorld, key: DeployedResource): boolean {
  const keyArn = world.attribute(key, 'Arn');
  return world.ofType('AWS::Events::Rule').some(rule => (world.properties(rule).Targets ?? []).some((target: any) => {
    const topic = topicByArn(world, target.Arn);
    return topic !== undefined && !target.RoleArn && keyByArn(world, world.properties(topic).KmsMasterKeyId) === key && keyArn !== undefined;
  }));
}

/** EventBridge assumes the rule's role for this rule, and not for another rule or account whenever it presents the source. */
function roleTrustPaths(world: DeployedWorld, path: ReturnType<typeof pathsFor>, role: DeployedResource, events: Caller, strangerEvents: Caller,
  source: Record<string, string>, otherRule: Record<string, string>, otherAccount: Record<string, string>): AccessPath[] {
  const roleArn = world.attribute(role, 'Arn');
  return [
    path('runtime', `EventBridge assumes ${role.logicalId} to deliver the rule's events`, events, 'sts:AssumeRole', roleArn, 'Allowed', DOCS.eventBridgeTargetRoleTrust,
      source, ['aws:SourceArn', 'aws:SourceAccount']),
    path('negative', `EventBridge cannot assume ${role.logicalId} for another rule`, events, 'sts:AssumeRole', roleArn, 'Denied', DOCS.eventBridgeTargetRoleTrust, otherRule),
    path('negative', `EventBridge cannot assume ${role.logicalId} for another account`, strangerEvents, 'sts:AssumeRole', roleArn, 'Denied', DOCS.eventBridgeTargetRoleTrust, otherAccount),
  ];
}

/**
 * A target EventBridge reaches with the rule's role: the role may make the target's call on this target only; on a
 * Kinesis stream with a customer managed key, generate data keys through Kinesis for this stream only.
 */
function roleTargetPaths(world: DeployedWorld, path: ReturnType<typeof pathsFor>, rule: DeployedResource, role: DeployedResource, targetArn: string): AccessPath[] {
  const caller = roleCaller(world, role, `the target role of ${rule.logicalId}`);
  const out: AccessPath[] = [];
  const [action, doc, other] = targetArn.includes(':kinesis:') ? ['kinesis:PutRecord', DOCS.eventBridgeKinesisTargetRole, targetArn.replace(/stream\/.*$/, 'stream/another-stream')]
    : targetArn.includes(':firehose:') ? ['firehose:PutRecordBatch', DOCS.eventBridgeFirehoseTargetRole, targetArn.replace(/deliverystream\/.*$/, 'deliverystream/another-stream')]
      : targetArn.includes(':event-bus/') ? ['events:PutEvents', DOCS.eventBridgeBusTargetRole, targetArn.replace(/event-bus\/.*$/, 'event-bus/another-bus')]
        : [undefined, undefined, undefined];
  if (action === undefined) return out;
  out.push(
    path('runtime', `${caller.label} makes the target's call on ${targetArn.split(':').pop()}`, caller, action, targetArn, 'Allowed', doc!),
    path('negative', `${caller.label} cannot make it on another target`, caller, action, other!, 'Denied', doc!),
  );
  const stream = world.ofType('AWS::Kinesis::Stream').find(st => world.attribute(st, 'Arn') === targetArn);
  const key = stream ? keyByArn(world, world.properties(stream).StreamEncryption?.KeyId) : undefined;
  if (stream && key) {
    const keyArn = world.attribute(key, 'Arn');
    const viaKinesis = { 'kms:ViaService': via(world, stream, 'kinesis') };
    out.push(
      path('runtime', `${caller.label} has Kinesis generate a data key under ${key.logicalId} for the stream's records`, caller, 'kms:GenerateDataKey', keyArn, 'Allowed',
        DOCS.kinesisProducerKey, { ...viaKinesis, 'kms:EncryptionContext:aws:kinesis:arn': targetArn }),
      path('negative', `${caller.label} cannot use ${key.logicalId} for another stream`, caller, 'kms:GenerateDataKey', keyArn, 'Denied', DOCS.kinesisProducerKey,
        { ...viaKinesis, 'kms:EncryptionContext:aws:kinesis:arn': other! }),
      path('negative', `${caller.label} cannot decrypt with ${key.logicalId} (producers only generate data keys)`, caller, 'kms:Decrypt', keyArn, 'Denied', DOCS.kinesisProducerKey,
        { ...viaKinesis, 'kms:EncryptionContext:aws:kinesis:arn': targetArn }),
    );
  }
  return out;
}
