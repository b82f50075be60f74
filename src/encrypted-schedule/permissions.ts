import { Annotations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Encryption } from '../encrypted-resource/setup';
import { stackEnvironment } from '../internal/arns';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { SharedAlarmTopic } from '../stack/alarm-topic';

/** What the schedule's statements name. */
export interface ScheduleStatementTargets {
  /** The execution role's customer managed policy. */
  readonly policy: iam.ManagedPolicy;
  /** The schedule's key. */
  readonly key: kms.IKey;
  readonly scheduleArn: string;
  readonly executionRole: iam.IRole;
  readonly deadLetterQueue: sqs.IQueue;
  readonly deadLetterQueueKey?: kms.IKey;
  /**
   * With `ScheduleKeyPolicyScope.SCHEDULE_GROUP` and the construct's own role: the group's schedules
   * (`schedule/<group>/*`) and the IAM path of the group's execution roles, which the key policies name instead.
   */
  readonly groupScope?: { readonly groupSchedules: string; readonly rolePath: string };
}

/**
 * The statements of a schedule: the execution role may decrypt only this schedule's payload and send failed payloads
 * to the dead-letter queue (using its key only through SQS); the key policy names this schedule (or, group scope, every
 * schedule of its group and the roles under its path); the dead-letter queue's key policy names the role, unless it is
 * the stack's dead-letter key, which delegates to IAM.
 */
export function addScheduleStatements(scope: Construct, encryption: Encryption, s: ScheduleStatementTargets): void {
  const environment = stackEnvironment(scope);
  // The execution role may decrypt only this schedule's payload...
  s.policy.addStatements(new iam.PolicyStatement({
    sid: 'DecryptThisSchedulePayload',
    actions: ['kms:Decrypt'],
    resources: [s.key.keyArn],
    conditions: { StringEquals: { 'kms:EncryptionContext:aws:scheduler:schedule:arn': s.scheduleArn } },
  }));
  // The key policy names this schedule, or (group scope) every schedule of its group and the roles under its path.
  const group = s.groupScope;
  const byGroup = group !== undefined;
  const groupRoles = group ? `arn:${environment.partition}:iam::${environment.account}:role${group.rolePath}*` : '';
  encryption.addKeyStatements(
    KeyPolicyStatements.schedule(group
      ? { ...environment, scheduleArn: group.groupSchedules, executionRoleArnPattern: groupRoles }
      : { ...environment, scheduleArn: s.scheduleArn, executionRole: s.executionRole }),
    `the EventBridge Scheduler schedule ${scope.node.path}`,
  );

  // ...and send failed payloads to the dead-letter queue, using its key only through SQS.
  s.policy.addStatements(new iam.PolicyStatement({
    sid: 'SendToDeadLetterQueue',
    actions: ['sqs:SendMessage'],
    resources: [s.deadLetterQueue.queueArn],
  }));
  if (s.deadLetterQueueKey) {
    s.policy.addStatements(new iam.PolicyStatement({
      sid: 'DeadLetterQueueKeyThroughSqs',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [s.deadLetterQueueKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sqs.${environment.region}.amazonaws.com` } },
    }));
    // The stack's dead-letter key delegates to IAM (never strict): the role's own policy above is enough, and a
    // statement per schedule would fill its key policy (32 KB).
    if (s.deadLetterQueueKey !== SharedAlarmTopic.keyOf(scope)) {
      addKeyStatements(scope, s.deadLetterQueueKey, [byGroup
        ? KeyPolicyStatements.queue({ ...environment, principals: [new iam.ArnPrincipal(`arn:${environment.partition}:iam::${environment.account}:root`)], principalArnPatterns: [groupRoles] })
        : KeyPolicyStatements.queue({ ...environment, principals: [s.executionRole] })],
      `the dead-letter queue of the EventBridge Scheduler schedule ${scope.node.path}`);
    }
  } else {
    Annotations.of(scope).addWarningV2('cdk-encrypted-constructs:schedule-dead-letter-queue-key', [
      `The dead-letter queue ${s.deadLetterQueue.node.path} shows no customer managed key to this construct (imported, or not KMS-encrypted).`,
      'Failed payloads leave the schedule\'s key when they land there. If the queue is encrypted with a customer managed key, its policy and the',
      `execution role need kms:GenerateDataKey and kms:Decrypt with kms:ViaService sqs.${environment.region}.amazonaws.com.`,
    ].join(' '));
  }
}
