/**
 * Acceptance test: EncryptedArchive's dead-letter queue. With the bus's key disabled, EventBridge cannot encrypt a
 * custom event on the bus and sends it to the bus's dead-letter queue, which is encrypted with another key through
 * the `SqsQueue` statement the construct adds to that key.
 *
 * An app of its own: disabling the bus's key would break the other archive checks.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DISPOSABLE_KEY, inlineFunction, IntegAppOptions, integTest, LONGEST_POLL, runWhenMain, throwawayStack } from './integ-support';
import { AuditTrail, EncryptedArchive, EncryptionKey } from '../../src';

/** The source of the events put on the bus, and the marker they carry. */
export const DEAD_LETTER_SOURCE = 'integ.cdk-encrypted-constructs.dead-letters';
export const DEAD_LETTER_MARKER = 'integ-bus-dead-letter';

/**
 * Puts one custom event on the bus, then looks into the dead-letter queue (visibility timeout 0: nothing is hidden
 * from the next look). Answers what PutEvents said and what the queue holds: whether anything arrived, whether a
 * message carries this event's marker, and the message attributes' names (never message bodies).
 */
const PROBE_CODE = `
const { EventBridgeClient, PutEventsCommand } = require('@aws-sdk/client-eventbridge');
const { SQSClient, ReceiveMessageCommand } = require('@aws-sdk/client-sqs');
const events = new EventBridgeClient({});
const sqs = new SQSClient({});
exports.handler = async () => {
  const put = await events.send(new PutEventsCommand({ Entries: [{
    EventBusName: process.env.EVENT_BUS_NAME,
    Source: process.env.SOURCE,
    DetailType: 'IntegDeadLetter',
    Detail: JSON.stringify({ marker: process.env.MARKER, at: new Date().toISOString() }),
  }] }));
  const received = await sqs.send(new ReceiveMessageCommand({
    QueueUrl: process.env.QUEUE_URL, MaxNumberOfMessages: 10, WaitTimeSeconds: 5, VisibilityTimeout: 0, MessageAttributeNames: ['All'],
  }));
  const messages = received.Messages || [];
  const letter = messages.find((m) => (m.Body || '').includes(process.env.MARKER));
  return {
    putFailedEntryCount: put.FailedEntryCount,
    putErrorCode: (put.Entries && put.Entries[0] && put.Entries[0].ErrorCode) || null,
    deadLettered: messages.length > 0,
    carriesTheEvent: letter !== undefined,
    attributeNames: Object.keys((letter || messages[0] || {}).MessageAttributes || {}).sort(),
  };
};
`;

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = throwawayStack(app, 'IntegEncryptedArchiveDeadLetters', options);
  // The dead-letter queue on a key of its own: while the bus's key is disabled, the queue's key still works.
  const deadLetterKey = new EncryptionKey(stack, 'DeadLetterKey', { protects: 'the acceptance test\'s bus dead-letter queue', ...DISPOSABLE_KEY });
  const deadLetters = new sqs.Queue(stack, 'DeadLetters', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: deadLetterKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(1),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const archive = new EncryptedArchive(stack, 'Orders', {
    deadLetterQueue: deadLetters,
    retention: Duration.days(1),
    removalPolicy: RemovalPolicy.DESTROY,
    keyOptions: DISPOSABLE_KEY,
    auditTrail: AuditTrail.none(),
  });

  const probe = inlineFunction(stack, 'DeadLetterProbe', PROBE_CODE, {
    EVENT_BUS_NAME: archive.eventBusName,
    SOURCE: DEAD_LETTER_SOURCE,
    MARKER: DEAD_LETTER_MARKER,
    QUEUE_URL: deadLetters.queueUrl,
  });
  archive.eventBus.grantPutEventsTo(probe);
  deadLetters.grantConsumeMessages(probe); // with kms:Decrypt on the queue's key

  const integ = integTest(app, 'EncryptedArchiveDeadLettersTest', stack);

  // Known limits (EncryptedArchive) "The dead-letter queue statement checks the bus only if EventBridge names it":
  // with the bus's key disabled, EventBridge sends the custom events it cannot encrypt to the bus's dead-letter queue
  // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq.html), using the queue's
  // key through the SqsQueue statement (aws:SourceArn = the bus, checked if present). EventBridge caches data keys
  // for a while, and how long it keeps encrypting with a disabled key is not documented: each attempt puts a new
  // event and looks again, for the longest an assertion can run. Then the key is enabled again (a failed wait leaves
  // it disabled until the stack deletes it, which does not stop the deletion).
  const disable = integ.assertions.awsApiCall('KMS', 'disableKey', { KeyId: archive.encryptionKey.keyArn });
  const deadLettered = integ.assertions.invokeFunction({ functionName: probe.functionName });
  deadLettered.expect(ExpectedResult.objectLike({ Payload: Match.serializedJson(Match.objectLike({ deadLettered: true })) }))
    .waitForAssertions(LONGEST_POLL);
  const enable = integ.assertions.awsApiCall('KMS', 'enableKey', { KeyId: archive.encryptionKey.keyArn });
  disable.next(deadLettered).next(enable);
  return integ;
}

runWhenMain(module, build);
