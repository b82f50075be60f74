import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EncryptedArchive } from '../src';

/**
 * An orders event bus whose events are archived for a year, for replay; bus, archive, dead-letter queue and alarm
 * topic all on one customer managed key. A producer may put events on the bus; an operator may replay the archive.
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
  });
  orders.eventBus.grantPutEventsTo(producer);
  orders.grantStartReplay(operatorRole);
}
