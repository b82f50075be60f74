import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EncryptedArchive, EncryptionKey } from '../src';

/**
 * An orders event bus whose events are archived for a year, for replay, on a customer managed key; its dead-letter
 * queue, alarm topic and error log (the bus's `ERROR` records, delivered to a log group) are on the stack's
 * dead-letter key, never the bus key. A producer may put events on the bus, and so may the principals of the
 * organization's other accounts; an operator may replay the archive. A rule delivers the placed orders to a billing
 * queue and a notification topic, each on a key of its own, keeping what it cannot deliver in a queue on a third key
 * (never the key whose failure it would keep).
 */
export function addEncryptedArchive(stack: Stack): void {
  const producer = new iam.Role(stack, 'OrdersProducer', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Publishes order events to the encrypted orders bus',
  });
  const operatorRole = new iam.Role(stack, 'OrdersReplayOperator', {
    assumedBy: new iam.AccountRootPrincipal(),
    description: 'Replays archived order events into the orders bus',
  });

  const orders = new EncryptedArchive(stack, 'Orders', {
    eventPattern: { source: ['com.example.orders'] },
    retention: Duration.days(365),
    logging: { level: events.Level.ERROR },
  });
  orders.eventBus.grantPutEventsTo(producer);
  // Other accounts of the organization (each producer with events:PutEvents in its own IAM policy): one bus-policy
  // statement with aws:PrincipalOrgID. Nothing more on the key: EventBridge encrypts their events.
  orders.allowPutEventsFromOrganization('o-a1b2c3d4e5');
  orders.grantStartReplay(operatorRole);

  // The rule's targets, as their owners would write them: a queue and a topic on customer managed keys, and one
  // dead-letter queue for both (also the billing queue's own redrive target).
  const undelivered = new sqs.Queue(stack, 'UndeliveredOrderEvents', {
    encryptionMasterKey: new EncryptionKey(stack, 'UndeliveredOrderEventsKey', { protects: 'undelivered order events' }),
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // marks it a dead-letter queue for AWS Control Tower's sqs_dlq_check (SQS's default, so nothing changes)
    redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
  });
  Validations.of(undelivered).acknowledge({
    id: 'Serverless-SQSRedrivePolicy',
    reason: 'The dead-letter queue of the ToBilling rule\'s targets and of the billing queue; a dead-letter queue has none of its own.',
  });
  const billing = new sqs.Queue(stack, 'BillingQueue', {
    encryptionMasterKey: new EncryptionKey(stack, 'BillingKey', { protects: 'billing messages' }),
    enforceSSL: true,
    deadLetterQueue: { queue: undelivered, maxReceiveCount: 5 },
  });
  const notifications = new sns.Topic(stack, 'OrderNotifications', {
    masterKey: new EncryptionKey(stack, 'OrderNotificationsKey', { protects: 'order notifications' }),
    enforceSSL: true,
  });
  orders.addRule('ToBilling', {
    eventPattern: { detailType: ['OrderPlaced'] },
    targets: [
      new targets.SqsQueue(billing, { deadLetterQueue: undelivered }),
      new targets.SnsTopic(notifications, { deadLetterQueue: undelivered }),
    ],
  });
}
