import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeEach } from '../internal/acknowledgements';

/** What a library dead-letter queue is made of. */
export interface DeadLetterQueueOptions {
  /** The customer managed key that encrypts the queue. */
  readonly key: kms.IKey;
  /** Who sends to this queue, for the acknowledgement reasons (e.g. `the event bus orders`). */
  readonly usedBy: string;
  /** @default - aws-cdk-lib's default for queues (DESTROY) */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The redrive-allow policy of every dead-letter queue the library creates: `allowAll`.
 *
 * AWS Control Tower's proactive control CT.SQS.PR.1 (`sqs_dlq_check`) runs as a CloudFormation hook on the queue's
 * properties and never reads cdk-nag acknowledgements: a queue passes when it has a `RedrivePolicy` (it has a
 * dead-letter queue) or a `RedriveAllowPolicy` whose `redrivePermission` is `allowAll` or `byQueue` (it is one).
 * `allowAll` is SQS's default ("any source queue in this account and Region"), so writing it changes no behaviour; `byQueue`
 * requires source queue ARNs, and these queues have none (Scheduler, EventBridge and Lambda send to them, not SQS);
 * `denyAll` fails the control.
 *
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/sqs-rules.html
 */
export const DEAD_LETTER_QUEUE_REDRIVE_ALLOW_POLICY: sqs.RedriveAllowPolicy = { redrivePermission: sqs.RedrivePermission.ALLOW_ALL };

/**
 * A new dead-letter queue for a non-SQS source (a schedule, an event bus, a rule, a Lambda function): encrypted with
 * the key, TLS only, messages kept 14 days, and marked a dead-letter queue in its properties (see
 * {@link DEAD_LETTER_QUEUE_REDRIVE_ALLOW_POLICY}), so Control Tower's `sqs_dlq_check` passes without an acknowledgement.
 *
 * The two cdk-nag rules that want every queue to have a dead-letter queue (or to be named one by another QUEUE's
 * `RedrivePolicy` or a Lambda function's `DeadLetterConfig`) cannot see a schedule's or rule's target: those are
 * acknowledged on this queue only.
 */
export function newDeadLetterQueue(scope: Construct, id: string, options: DeadLetterQueueOptions): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: options.key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    redriveAllowPolicy: DEAD_LETTER_QUEUE_REDRIVE_ALLOW_POLICY,
    removalPolicy: options.removalPolicy,
  });
  const reason = `This queue is the dead-letter queue of ${options.usedBy}; a dead-letter queue has no dead-letter queue of its own.`;
  acknowledgeEach(queue, { 'AwsSolutions-SQS3': reason, 'Serverless-SQSRedrivePolicy': reason });
  return queue;
}
