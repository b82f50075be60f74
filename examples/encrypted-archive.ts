import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EncryptedArchive } from '../src';

/**
 * An orders event bus whose events are archived for a year, for replay, on a customer managed key; its dead-letter
 * queue, alarm topic and error log (the bus's `ERROR` records, delivered to a log group) are on the stack's
 * dead-letter key, never the bus key. A producer may put events on the bus, and so may the principals of the
 * organization's other accounts; an operator may replay the archive.
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
}
