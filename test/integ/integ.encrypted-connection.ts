/**
 * Acceptance test: EncryptedConnection. The connection's secret is created under the key and the connection is
 * AUTHORIZED; a deauthorization reaches the encrypted alert topic.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { DISPOSABLE_KEY, expectMessage, IntegAppOptions, integTest, POLL, runWhenMain, subscribeProbe, throwawayApiKey } from './integ-support';
import { AuditTrail, EncryptedConnection } from '../../src';

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = new Stack(app, 'IntegEncryptedConnection', { env: options.env });
  // A throwaway API key: only a dynamic reference to it reaches the template.
  const apiKey = throwawayApiKey(stack);
  const conn = new EncryptedConnection(stack, 'Echo', {
    authorization: events.Authorization.apiKey('x-api-key', apiKey.secretValue),
    description: 'cdk-encrypted-constructs acceptance test',
    keyOptions: DISPOSABLE_KEY,
    auditTrail: AuditTrail.none(),
  });
  const alertProbe = subscribeProbe(stack, 'AlertProbe', conn.alertTopic);

  const integ = integTest(app, 'EncryptedConnectionTest', stack);

  // Known limits (EncryptedConnection) "kms:DescribeKey for the deployer" and "Strict mode and other readers of the
  // secret" (EventBridge writes and reads the secret through Secrets Manager under the key's ConnectionSecret
  // statement): the connection names the key and is AUTHORIZED. (The deploy itself settles "The verifier describes
  // the connection by its IAM form": the verification custom resource would fail the deploy otherwise.)
  const describe = integ.assertions.awsApiCall('EventBridge', 'describeConnection', { Name: conn.connectionName });
  describe.expect(ExpectedResult.objectLike({ ConnectionState: 'AUTHORIZED', KmsKeyIdentifier: conn.encryptionKey.keyArn }))
    .waitForAssertions(POLL);

  // Known limits (EncryptedConnection) "EventBridge -> encrypted alert topic and dead-letter queue", and the top-level
  // entry's "EventBridge deauthorization event names": deauthorizing the connection sends an aws.events
  // "Connection Deauthoriz..." event that the rule delivers to the topic on the alert key (SnsTopicEventBridge, no
  // source conditions). The last step: the connection stays deauthorized until the stack is destroyed.
  const deauthorize = integ.assertions.awsApiCall('EventBridge', 'deauthorizeConnection', { Name: conn.connectionName });
  describe.next(deauthorize).next(expectMessage(integ, alertProbe, 'Connection Deauthoriz'));
  return integ;
}

runWhenMain(module, build);
