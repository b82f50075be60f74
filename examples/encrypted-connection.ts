import { Duration, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EncryptedConnection } from '../src';

/**
 * An EventBridge connection to a CRM API whose API key lives in Secrets Manager (only a dynamic reference reaches the
 * template), encrypted with a new customer managed key, an API destination for the CRM's orders endpoint, and a rule
 * that sends placed orders to it.
 *
 * The secret `crm/api-key` is looked up by CloudFormation at deploy time; synthesis needs no AWS account.
 */
export function addEncryptedConnection(stack: Stack): void {
  const conn = new EncryptedConnection(stack, 'Crm', {
    authorization: events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key')),
    description: 'CRM API, credentials encrypted with a customer managed key',
  });
  const orders = conn.addApiDestination('Orders', { endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 10 });

  // Placed orders go to the CRM: EventBridge invokes the destination through a role whose only permission, in a
  // customer managed policy, is to invoke it; what it cannot deliver within 10 retries waits in a queue.
  const undelivered = new sqs.Queue(stack, 'UndeliveredOrders', {
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // marks it a dead-letter queue for AWS Control Tower's sqs_dlq_check (SQS's default, so nothing changes)
    redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
  });
  // cdk-nag looks for another queue's redrive policy, not a rule target's DeadLetterConfig: say what the queue is.
  const reason = 'The dead-letter queue of the OrderPlaced rule\'s API destination target; a dead-letter queue has none of its own.';
  Validations.of(undelivered).acknowledge({ id: 'AwsSolutions-SQS3', reason }, { id: 'Serverless-SQSRedrivePolicy', reason });
  new events.Rule(stack, 'OrderPlaced', {
    description: 'Sends placed orders to the CRM',
    eventPattern: { source: ['com.example.orders'], detailType: ['Order Placed'] },
  }).addTarget(conn.ruleTarget(orders, { deadLetterQueue: undelivered, retryAttempts: 10 }));
}
