import { Annotations, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { stackEnvironment } from '../internal/arns';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { allowEventBridgeDeadLetters, SharedAlarmTopic } from '../stack/alarm-topic';
import { newDeadLetterQueue } from '../stack/dead-letter-queue';
import { allowFromSources } from '../stack/shared-statements';

/** The bus whose events fail encryption, as the dead-letter steps see it. */
export interface DeadLetterBus {
  readonly eventBusName: string;
  readonly eventBusArn: string;
}

/**
 * The new bus's dead-letter queue (the user's, or a new one on the stack's dead-letter key, never the bus key:
 * EventBridge dead-letters exactly the events it could not encrypt with that key), with the queue-policy statement and
 * the key statements that let EventBridge send to it on behalf of this bus only.
 */
export function busDeadLetterQueue(scope: Construct, bus: DeadLetterBus, given: sqs.IQueue | undefined, removalPolicy: RemovalPolicy): sqs.IQueue {
  const eventsPrincipal = new iam.ServicePrincipal('events.amazonaws.com');
  const deadLetterQueue = given
    ?? newDeadLetterQueue(scope, 'DeadLetterQueue', { key: SharedAlarmTopic.keyOf(scope), removalPolicy, usedBy: `the event bus ${bus.eventBusName}` });

  // One statement per queue lists every bus that dead-letters into it (SQS: 20 statements, 8,192 bytes per policy).
  const sid = 'EventBridgeBusDeadLetters';
  if (!allowFromSources(deadLetterQueue, { sid, principal: eventsPrincipal, action: 'sqs:SendMessage' }, [bus.eventBusArn])) {
    const sendStatement = new iam.PolicyStatement({
      sid,
      principals: [eventsPrincipal],
      actions: ['sqs:SendMessage'],
      resources: [deadLetterQueue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': bus.eventBusArn } },
    });
    Annotations.of(scope).addWarningV2('cdk-encrypted-constructs:dead-letter-queue-policy-not-managed', [
      `The dead-letter queue ${Stack.of(scope).resolve(deadLetterQueue.queueArn)} is not defined in this stack, so its policy cannot be edited here.`,
      'Its owner must add this statement to the queue policy, or EventBridge cannot deliver the events that fail encryption:',
      JSON.stringify(Stack.of(scope).resolve(sendStatement.toStatementJson()), undefined, 2),
    ].join('\n'));
  }
  const queueKey = deadLetterQueue.encryptionMasterKey;
  if (!given) {
    allowEventBridgeDeadLetters(scope, [bus.eventBusArn]);
  } else if (queueKey) {
    const queueKeyStatement = KeyPolicyStatements.queue({ ...stackEnvironment(scope), principals: [eventsPrincipal], sourceArns: [bus.eventBusArn] });
    addKeyStatements(scope, queueKey, [queueKeyStatement], `the dead-letter queue of the event bus ${bus.eventBusName}`);
  }
  return deadLetterQueue;
}

/**
 * The grant behind `EncryptedArchive.grantConsumeDeadLetters`: the SQS consumer actions on the queue, `kms:Decrypt`
 * through SQS on the queue's key, and `kms:Decrypt` on the bus key under this bus's encryption context, each in the
 * principal's policy and (naming the principal) in the key policy.
 */
export function grantConsumeBusDeadLetters(scope: Construct, grantee: iam.IGrantable, bus: DeadLetterBus,
  deadLetterQueue: sqs.IQueue, busKey: kms.IKey): iam.Grant {
  const region = stackEnvironment(scope).region;
  const grant = iam.Grant.addToPrincipal({
    grantee,
    actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    resourceArns: [deadLetterQueue.queueArn],
  });
  const viaSqs = { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` } };
  const queueKey = deadLetterQueue.encryptionMasterKey;
  if (queueKey) {
    grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ['kms:Decrypt'], resourceArns: [queueKey.keyArn], conditions: viaSqs }));
    addKeyStatements(scope, queueKey, [new iam.PolicyStatement({
      sid: 'ConsumeBusDeadLetters', principals: [grantee.grantPrincipal], actions: ['kms:Decrypt'], resources: ['*'], conditions: viaSqs,
    })], `readers of the dead-letter queue of the event bus ${bus.eventBusName}`);
  }
  const busContext = { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': bus.eventBusArn } };
  grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ['kms:Decrypt'], resourceArns: [busKey.keyArn], conditions: busContext }));
  addKeyStatements(scope, busKey, [new iam.PolicyStatement({
    sid: 'DecryptBusDeadLetters', principals: [grantee.grantPrincipal], actions: ['kms:Decrypt'], resources: ['*'], conditions: busContext,
  })], `readers of the encrypted events in the dead-letter queue of the event bus ${bus.eventBusName}`);
  return grant;
}
