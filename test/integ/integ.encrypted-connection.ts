/**
 * Acceptance test: EncryptedConnection. The connection's secret is created under the key and the connection is
 * AUTHORIZED; an API destination reaches an endpoint of the test stack with the decrypted API key; a deauthorization
 * reaches the encrypted alert topic; and disabling a connection's key deauthorizes it and alerts.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DISPOSABLE_KEY, expectMessage, inlineFunction, IntegAppOptions, integTest, literalPattern, LONGEST_POLL, POLL, probeQueue, runWhenMain, subscribeProbe, throwawayApiKey, throwawayStack } from './integ-support';
import { AuditTrail, EncryptedConnection } from '../../src';

/** The event source of the API-destination check. */
export const ECHO_SOURCE = 'integ.cdk-encrypted-constructs.echo';
/** The marker the API-destination check sends and expects back in the endpoint's record. */
export const ECHO_MARKER = 'integ-api-destination';

/**
 * The test stack's HTTPS endpoint (a Lambda function URL). For requests to `/echo` it records in a queue whether the
 * `x-api-key` header equals the throwaway API key (compared as SHA-256 digests in constant time) and the event's
 * `detail.marker`: never the key or the header. Every request gets 200, so the endpoint itself never deauthorizes a
 * connection (EventBridge does on 401 and 407).
 */
const ECHO_CODE = `
const crypto = require('node:crypto');
const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');
const secrets = new SecretsManagerClient({});
const sqs = new SQSClient({});
const digest = (value) => crypto.createHash('sha256').update(String(value), 'utf8').digest();
exports.handler = async (event) => {
  if (event.rawPath !== '/echo') return { statusCode: 200, body: 'ok' };
  const expected = (await secrets.send(new GetSecretValueCommand({ SecretId: process.env.API_KEY_SECRET_ARN }))).SecretString;
  const received = (event.headers || {})['x-api-key'];
  const apiKeyMatches = typeof received === 'string' && typeof expected === 'string' && crypto.timingSafeEqual(digest(received), digest(expected));
  let marker = null;
  try {
    const body = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    marker = JSON.parse(body).detail.marker ?? null;
  } catch (error) {
    marker = null;
  }
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.RECORD_QUEUE_URL, MessageBody: JSON.stringify({ apiKeyMatches, marker }) }));
  return { statusCode: 200, body: 'recorded' };
};
`;

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = throwawayStack(app, 'IntegEncryptedConnection', options);
  // A throwaway API key: only a dynamic reference to it reaches the template.
  const apiKey = throwawayApiKey(stack);
  const conn = new EncryptedConnection(stack, 'Echo', {
    authorization: events.Authorization.apiKey('x-api-key', apiKey.secretValue),
    description: 'cdk-encrypted-constructs acceptance test',
    keyOptions: DISPOSABLE_KEY,
    auditTrail: AuditTrail.none(),
  });
  const alertProbe = subscribeProbe(stack, 'AlertProbe', conn.alertTopic);

  // The endpoint, with no third party: a function URL without IAM auth (aws-cdk-lib adds the two public permissions a
  // function URL of type NONE needs: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
  const records = probeQueue(stack, 'EchoRecords');
  const echo = inlineFunction(stack, 'EchoEndpoint', ECHO_CODE, { API_KEY_SECRET_ARN: apiKey.secretArn, RECORD_QUEUE_URL: records.queueUrl });
  apiKey.grantRead(echo);
  records.grantSendMessages(echo);
  const endpoint = echo.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  const echoDestination = conn.addApiDestination('EchoDestination', { endpoint: `${endpoint.url}echo`, rateLimitPerSecond: 1 });
  const testBus = new events.EventBus(stack, 'TestBus');
  new events.Rule(stack, 'ToEcho', {
    eventBus: testBus,
    eventPattern: { source: [ECHO_SOURCE] },
    targets: [new eventsTargets.ApiDestination(echoDestination, { retryAttempts: 2, maxEventAge: Duration.minutes(5) })],
  });

  // A second connection, on a key of its own, that the last step disables. A rule invokes its API destination every
  // minute: EventBridge deauthorizes a connection when decrypting its secret fails, which it does when it sends a
  // request (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection-deauthorize.html).
  const keyLoss = new EncryptedConnection(stack, 'KeyLoss', {
    authorization: events.Authorization.apiKey('x-api-key', apiKey.secretValue),
    description: 'cdk-encrypted-constructs acceptance test: its key is disabled',
    keyOptions: DISPOSABLE_KEY,
    auditTrail: AuditTrail.none(),
  });
  const keyLossProbe = subscribeProbe(stack, 'KeyLossAlertProbe', keyLoss.alertTopic);
  const keyLossDestination = keyLoss.addApiDestination('KeyLossDestination', { endpoint: `${endpoint.url}key-loss`, rateLimitPerSecond: 1 });
  new events.Rule(stack, 'KeyLossTraffic', {
    schedule: events.Schedule.rate(Duration.minutes(1)),
    targets: [new eventsTargets.ApiDestination(keyLossDestination, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
  });

  const integ = integTest(app, 'EncryptedConnectionTest', stack);

  // Known limits (EncryptedConnection) "kms:DescribeKey for the deployer" and "Strict mode and other readers of the
  // secret" (EventBridge writes and reads the secret through Secrets Manager under the key's ConnectionSecret
  // statement): the connection names the key and is AUTHORIZED. (The deploy itself settles "The verifier describes
  // the connection by its IAM form": the verification custom resource would fail the deploy otherwise.)
  const describe = integ.assertions.awsApiCall('EventBridge', 'describeConnection', { Name: conn.connectionName });
  describe.expect(ExpectedResult.objectLike({ ConnectionState: 'AUTHORIZED', KmsKeyIdentifier: conn.encryptionKey.keyArn }))
    .waitForAssertions(POLL);

  // docs/acceptance-tests.md, row "The API destination reaches an endpoint with the decrypted
  // credentials" (and the data path of Known limits (EncryptedConnection) "Strict mode and other readers of the
  // secret"): an event on the test bus reaches the endpoint through the API destination, and the request carries the
  // API key that EventBridge read from the connection's secret under the key (the endpoint records only whether it
  // matches the throwaway key).
  const put = integ.assertions.awsApiCall('EventBridge', 'putEvents', {
    Entries: [{ EventBusName: testBus.eventBusName, Source: ECHO_SOURCE, DetailType: 'IntegEcho', Detail: JSON.stringify({ marker: ECHO_MARKER }) }],
  });
  put.expect(ExpectedResult.objectLike({ FailedEntryCount: 0 }));
  const received = expectMessage(integ, records, `^\\{"apiKeyMatches":true,"marker":"${ECHO_MARKER}"\\}$`);

  // Known limits (EncryptedConnection) "EventBridge -> encrypted alert topic and dead-letter queue", and the top-level
  // entry's "EventBridge deauthorization event names": deauthorizing the connection sends an aws.events
  // "Connection Deauthoriz..." event that the rule delivers to the topic on the alert key (SnsTopicEventBridge, no
  // source conditions). The last step of this connection: it stays deauthorized until the stack is destroyed.
  const deauthorize = integ.assertions.awsApiCall('EventBridge', 'deauthorizeConnection', { Name: conn.connectionName });
  describe.next(put).next(received).next(deauthorize)
    .next(expectMessage(integ, alertProbe, `Connection Deauthoriz.*${literalPattern(conn.connectionName)}`));

  // docs/encrypted-connection.md "When the connection is deauthorized" and docs/acceptance-tests.md, row "Disabling
  // the connection's key deauthorizes it and alerts": disabling the key deauthorizes the connection, and the
  // deauthorization alert arrives. How long EventBridge takes is not documented: the wait is the longest an assertion
  // can run. The key is enabled again at the end (the connection stays deauthorized; a failed wait leaves the key
  // disabled until the stack deletes it, which does not stop the deletion).
  const keyLossAuthorized = integ.assertions.awsApiCall('EventBridge', 'describeConnection', { Name: keyLoss.connectionName });
  keyLossAuthorized.expect(ExpectedResult.objectLike({ ConnectionState: 'AUTHORIZED' })).waitForAssertions(POLL);
  const disable = integ.assertions.awsApiCall('KMS', 'disableKey', { KeyId: keyLoss.encryptionKey.keyArn });
  const deauthorized = integ.assertions.awsApiCall('EventBridge', 'describeConnection', { Name: keyLoss.connectionName });
  deauthorized.expect(ExpectedResult.objectLike({ ConnectionState: Match.stringLikeRegexp('^DEAUTHORIZ(ED|ING)$') })).waitForAssertions(LONGEST_POLL);
  const enable = integ.assertions.awsApiCall('KMS', 'enableKey', { KeyId: keyLoss.encryptionKey.keyArn });
  keyLossAuthorized.next(disable).next(deauthorized)
    .next(expectMessage(integ, keyLossProbe, `Connection Deauthoriz.*${literalPattern(keyLoss.connectionName)}`))
    .next(enable);
  return integ;
}

runWhenMain(module, build);
