/**
 * Acceptance test: EncryptedArchive's bus logging. A rule on the bus delivers to a queue that does not exist, so every
 * matching event fails delivery; at level ERROR the bus logs the failure, the record travels encrypted with the bus key
 * (the bus-log statements the construct adds to it), and CloudWatch Logs writes it to the bus's log group, which is
 * encrypted with the stack's dead-letter key (never the bus key).
 *
 * Settles the known limits "Bus logging: which level writes which log type" (an ERROR record arrives through the
 * ERROR_LOGS delivery) and "the documented conditions, no narrower" (the statements as documented let it through).
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DISPOSABLE_KEY, inlineFunction, IntegAppOptions, integTest, POLL, runWhenMain, throwawayStack } from './integ-support';
import { AuditTrail, EncryptedArchive } from '../../src';
import { SharedAlarmTopic } from '../../src/stack/alarm-topic';

/** The source of the events put on the bus. */
export const BUS_LOGGING_SOURCE = 'integ.cdk-encrypted-constructs.bus-logging';

/**
 * Puts one custom event on the bus (its rule cannot deliver it), then looks in the bus's log group for failure
 * records. Answers what PutEvents said and which message types the group holds (never record bodies: at
 * IncludeDetail NONE they hold no payload, but the answer is logged by the assertion provider).
 */
const PROBE_CODE = `
const { EventBridgeClient, PutEventsCommand } = require('@aws-sdk/client-eventbridge');
const { CloudWatchLogsClient, FilterLogEventsCommand } = require('@aws-sdk/client-cloudwatch-logs');
const events = new EventBridgeClient({});
const logs = new CloudWatchLogsClient({});
exports.handler = async () => {
  const put = await events.send(new PutEventsCommand({ Entries: [{
    EventBusName: process.env.EVENT_BUS_NAME,
    Source: process.env.SOURCE,
    DetailType: 'IntegBusLogging',
    Detail: JSON.stringify({ at: new Date().toISOString() }),
  }] }));
  const found = await logs.send(new FilterLogEventsCommand({ logGroupName: process.env.LOG_GROUP_NAME, filterPattern: '"INVOCATION"', limit: 50 }));
  const types = new Set();
  for (const e of found.events || []) {
    const match = /"message_type"\\s*:\\s*"([A-Z_]+)"/.exec(e.message || '');
    if (match) types.add(match[1]);
  }
  return {
    putFailedEntryCount: put.FailedEntryCount,
    failureLogged: types.has('INVOCATION_FAILURE') || types.has('INVOCATION_ATTEMPT_PERMANENT_FAILURE'),
    messageTypes: [...types].sort(),
  };
};
`;

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = throwawayStack(app, 'IntegEncryptedBusLogging', options);
  const archive = new EncryptedArchive(stack, 'Orders', {
    retention: Duration.days(1),
    removalPolicy: RemovalPolicy.DESTROY,
    keyOptions: DISPOSABLE_KEY,
    auditTrail: AuditTrail.none(),
    logging: { level: events.Level.ERROR },
  });
  // A target that cannot exist: every delivery fails, and EventBridge does not retry a missing resource.
  const missing = sqs.Queue.fromQueueArn(stack, 'MissingQueue', stack.formatArn({ service: 'sqs', resource: 'cdk-encrypted-constructs-integ-missing-queue' }));
  new events.Rule(stack, 'Undeliverable', {
    eventBus: archive.eventBus,
    eventPattern: { source: [BUS_LOGGING_SOURCE] },
    // no retry, and a minute at most: the failure is permanent at once
    targets: [new targets.SqsQueue(missing, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
  });

  const logGroupName = archive.logGroup!.logGroupName;
  const probe = inlineFunction(stack, 'BusLoggingProbe', PROBE_CODE, {
    EVENT_BUS_NAME: archive.eventBusName,
    SOURCE: BUS_LOGGING_SOURCE,
    LOG_GROUP_NAME: logGroupName,
  });
  archive.eventBus.grantPutEventsTo(probe);
  // reading an encrypted log group takes no key permission: CloudWatch Logs decrypts with its own (the key statement)
  archive.logGroup!.grant(probe, 'logs:FilterLogEvents');

  const integ = integTest(app, 'EncryptedBusLoggingTest', stack);
  // the log group names the stack's dead-letter key, not the bus key
  integ.assertions.awsApiCall('CloudWatchLogs', 'describeLogGroups', { logGroupNamePrefix: logGroupName })
    .expect(ExpectedResult.objectLike({ logGroups: [Match.objectLike({ logGroupName, kmsKeyId: SharedAlarmTopic.keyOf(stack).keyArn })] }));
  // Each attempt puts a new event; delivery of bus logs is best effort and takes minutes.
  integ.assertions.invokeFunction({ functionName: probe.functionName })
    .expect(ExpectedResult.objectLike({ Payload: Match.serializedJson(Match.objectLike({ putFailedEntryCount: 0, failureLogged: true })) }))
    .waitForAssertions(POLL);
  return integ;
}

runWhenMain(module, build);
