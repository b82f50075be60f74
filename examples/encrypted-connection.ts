import { SecretValue, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { EncryptedConnection } from '../src';

/**
 * An EventBridge connection to a CRM API whose API key lives in Secrets Manager (only a dynamic reference reaches the
 * template), encrypted with a new customer managed key, and an API destination for the CRM's orders endpoint.
 *
 * The secret `crm/api-key` is looked up by CloudFormation at deploy time; synthesis needs no AWS account.
 */
export function addEncryptedConnection(stack: Stack): void {
  const conn = new EncryptedConnection(stack, 'Crm', {
    authorization: events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key')),
    description: 'CRM API, credentials encrypted with a customer managed key',
  });
  conn.addApiDestination('Orders', { endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 10 });
}
