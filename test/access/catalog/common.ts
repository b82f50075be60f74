import { Caller } from '../evaluator';
import { DeployedResource, DeployedWorld } from '../world';
import { AccessPath, DocRef, Phase } from './types';

/** The key of the world with this ARN (or key id), if its policy is in these templates. */
export function keyByArn(world: DeployedWorld, keyArnOrId: string | undefined): DeployedResource | undefined {
  if (!keyArnOrId) return undefined;
  return world.ofType('AWS::KMS::Key').find(k => world.attribute(k, 'Arn') === keyArnOrId || world.ref(k) === keyArnOrId);
}

/** The queue of the world with this ARN. */
export function queueByArn(world: DeployedWorld, queueArn: string | undefined): DeployedResource | undefined {
  return world.ofType('AWS::SQS::Queue').find(q => world.attribute(q, 'Arn') === queueArn);
}

/** The topic of the world with this ARN. */
export function topicByArn(world: DeployedWorld, topicArn: string | undefined): DeployedResource | undefined {
  return world.ofType('AWS::SNS::Topic').find(t => world.ref(t) === topicArn);
}

/** The role of the world with this ARN. */
export function roleByArn(world: DeployedWorld, roleArn: string | undefined): DeployedResource | undefined {
  return world.ofType('AWS::IAM::Role').find(r => world.attribute(r, 'Arn') === roleArn);
}

/**
 * Strict mode: the key policy does not delegate `kms:*` to the account root, so IAM policies alone grant nothing.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 */
export function delegatesToIam(world: DeployedWorld, key: DeployedResource): boolean {
  const statements: any[] = world.properties(key).KeyPolicy.Statement;
  return statements.some(s => s.Effect === 'Allow' && [s.Action].flat().includes('kms:*') && !s.Condition
    && [s.Principal?.AWS].flat().some((p: unknown) => typeof p === 'string' && p.endsWith(':root')));
}

/** `kms:ViaService` for a service in the world's region. */
export function via(_world: DeployedWorld, resource: DeployedResource, service: string): string {
  return `${service}.${resource.region}.amazonaws.com`;
}

/** Builds paths with less repetition: `path(subject, doc)(phase, description, caller, action, resource, ...)`. */
export function pathsFor(subject: string) {
  return (phase: Phase, description: string, caller: Caller, action: string, resource: string, expect: 'Allowed' | 'Denied', doc: DocRef,
    context: Record<string, string | string[]> = {}, uncertain: string[] = []): AccessPath =>
    ({ subject, phase, description, call: { caller, action, resource, context }, expect, doc, uncertain });
}

/**
 * The paths of a producer that writes to an SQS queue encrypted with a key of the world: `sqs:SendMessage`, and the
 * data-key calls SQS makes with the producer's permissions.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
 */
export function queueProducerPaths(world: DeployedWorld, subject: string, phase: Phase, producer: Caller, queue: DeployedResource,
  docs: { send: DocRef; key: DocRef }, sendContext: Record<string, string> = {}, uncertain: string[] = []): AccessPath[] {
  const path = pathsFor(subject);
  const queueArn = world.attribute(queue, 'Arn');
  const out = [path(phase, `${producer.label} sends to the queue ${queue.logicalId}`, producer, 'sqs:SendMessage', queueArn, 'Allowed', docs.send, sendContext, uncertain)];
  const key = keyByArn(world, world.properties(queue).KmsMasterKeyId);
  if (key) {
    const keyArn = world.attribute(key, 'Arn');
    const context = { ...sendContext, 'kms:ViaService': via(world, queue, 'sqs'), 'kms:EncryptionContext:aws:sqs:arn': queueArn };
    // A role's call through SQS is a forward access session, which carries kms:ViaService; whether a service principal's
    // does, and which encryption context SQS sends, the docs do not say.
    const unsure = producer.kind === 'service' ? ['kms:ViaService', 'kms:EncryptionContext:aws:sqs:arn'] : ['kms:EncryptionContext:aws:sqs:arn'];
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      out.push(path(phase, `${producer.label} has SQS use ${key.logicalId} for the messages of ${queue.logicalId}`, producer, action, keyArn, 'Allowed', docs.key,
        context, [...uncertain, ...unsure]));
    }
  }
  return out;
}
