import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ScheduleGroupDeadLetters } from './group-alarms';
import { SharedAlarmTopic } from '../stack/alarm-topic';
import { newDeadLetterQueue } from '../stack/dead-letter-queue';

/** The schedule's dead-letter queue and the key that encrypts it, when the construct can see it. */
export interface ScheduleDeadLetters {
  readonly queue: sqs.IQueue;
  readonly key?: kms.IKey;
}

/**
 * The dead-letter queue: the one given (the user's or the target's), else the group's queue on the key (group scope
 * on a key the user gives), else a new one (child `DeadLetterQueue`) on the stack's dead-letter key, retained.
 */
export function scheduleDeadLetterQueue(scope: Construct, givenQueue: sqs.IQueue | undefined,
  groupDeadLetters: ScheduleGroupDeadLetters | undefined): ScheduleDeadLetters {
  if (givenQueue) return { queue: givenQueue, key: givenQueue.encryptionMasterKey };
  if (groupDeadLetters) return { queue: groupDeadLetters.queue, key: SharedAlarmTopic.keyOf(scope) };
  const queue = newDeadLetterQueue(scope, 'DeadLetterQueue', {
    key: SharedAlarmTopic.keyOf(scope),
    removalPolicy: RemovalPolicy.RETAIN,
    usedBy: `the EventBridge Scheduler schedule ${scope.node.path}`,
  });
  return { queue, key: SharedAlarmTopic.keyOf(scope) };
}
