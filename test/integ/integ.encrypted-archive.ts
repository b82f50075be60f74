/**
 * Acceptance test: EncryptedArchive. Events put on the encrypted bus are archived under the key, the archive's
 * filter holds, and a replay of the archive completes and delivers the event again.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DISPOSABLE_KEY, expectAlarmNotification, expectMessage, inlineFunction, IntegAppOptions, integTest, POLL, probeQueue, runWhenMain, subscribeProbe, throwawayStack } from './integ-support';
import { AuditTrail, EncryptedArchive } from '../../src';

export const SOURCE = 'integ.cdk-encrypted-constructs';

/**
 * Starts a replay of everything the archive holds (from its creation to now) into its bus. The window must be read
 * when the test runs (StartReplay takes time stamps), which an assertion's fixed parameters cannot express, and a
 * replay's name must be new in the account and region: both come from this function. Answers `{ ReplayName }`.
 */
const START_REPLAY_CODE = `
const { EventBridgeClient, DescribeArchiveCommand, StartReplayCommand } = require('@aws-sdk/client-eventbridge');
const client = new EventBridgeClient({});
exports.handler = async () => {
  const archive = await client.send(new DescribeArchiveCommand({ ArchiveName: process.env.ARCHIVE_NAME }));
  const end = new Date();
  const replayName = 'integ-' + end.getTime();
  await client.send(new StartReplayCommand({
    ReplayName: replayName,
    EventSourceArn: archive.ArchiveArn,
    EventStartTime: archive.CreationTime,
    EventEndTime: end,
    Destination: { Arn: process.env.EVENT_BUS_ARN },
  }));
  return { ReplayName: replayName };
};
`;

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = throwawayStack(app, 'IntegEncryptedArchive', options);
  const archive = new EncryptedArchive(stack, 'Orders', {
    eventPattern: { source: [SOURCE] },
    retention: Duration.days(1),
    removalPolicy: RemovalPolicy.DESTROY,
    keyOptions: DISPOSABLE_KEY,
    auditTrail: AuditTrail.none(),
  });
  const alarmProbe = subscribeProbe(stack, 'AlarmProbe', archive.alarmTopic);

  // A rule on the encrypted bus copies the archived kind of event into a queue: the original, then the replayed copy.
  const deliveries = probeQueue(stack, 'Deliveries');
  new events.Rule(stack, 'ToDeliveries', {
    eventBus: archive.eventBus,
    eventPattern: { source: [SOURCE] },
    targets: [new eventsTargets.SqsQueue(deliveries)],
  });
  // The function that starts the replay, with the construct's own grant (StartReplay, DescribeReplay; no key
  // permission) and DescribeArchive for the archive's creation time.
  const startReplay = inlineFunction(stack, 'StartReplay', START_REPLAY_CODE, { ARCHIVE_NAME: archive.archiveName, EVENT_BUS_ARN: archive.eventBusArn });
  archive.grantStartReplay(startReplay);
  startReplay.addToRolePolicy(new iam.PolicyStatement({ actions: ['events:DescribeArchive'], resources: [archive.archiveArn] }));

  const integ = integTest(app, 'EncryptedArchiveTest', stack);

  // Known limits (EncryptedArchive) "No aws:SourceArn on the bus and archive statement", part 1: EventBridge accepts
  // events on a bus whose key allows it only under the bus's encryption context. One event matches the archive's
  // pattern, one does not.
  const put = integ.assertions.awsApiCall('EventBridge', 'putEvents', {
    Entries: [
      { EventBusName: archive.eventBusName, Source: SOURCE, DetailType: 'IntegOrderPlaced', Detail: JSON.stringify({ orderId: 'integ-1' }) },
      { EventBusName: archive.eventBusName, Source: 'integ.not-archived', DetailType: 'IntegIgnored', Detail: JSON.stringify({ orderId: 'integ-2' }) },
    ],
  });
  put.expect(ExpectedResult.objectLike({ FailedEntryCount: 0 }));

  // Same entry, part 2: the archive writes under the key (no AccessDenied on archive writes, whatever source
  // EventBridge presents), and its event pattern keeps only the matching event. The archive is new in each run, so
  // exactly one event. EventBridge updates EventCount with a delay: the assertion polls for up to 30 minutes.
  const describe = integ.assertions.awsApiCall('EventBridge', 'describeArchive', { ArchiveName: archive.archiveName });
  describe.expect(ExpectedResult.objectLike({ State: 'ENABLED', KmsKeyIdentifier: archive.encryptionKey.keyArn, EventCount: 1 }))
    .waitForAssertions(POLL);
  put.next(describe);

  // Same entry, part 3: one replay completes. EventBridge reads the archived event under the key and puts it on the
  // bus again (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html): the replay
  // reaches COMPLETED, and the rule delivers the copy, which EventBridge marks with a replay-name field naming the
  // replay (as the AWS News Blog announcing replays describes it:
  // https://aws.amazon.com/blogs/aws/new-archive-and-replay-events-with-amazon-eventbridge/).
  const start = integ.assertions.invokeFunction({ functionName: startReplay.functionName });
  start.assertAtPath('Payload.ReplayName', ExpectedResult.stringLikeRegexp('^integ-[0-9]+$'));
  const replayName = start.getAttString('Payload.ReplayName');
  const replay = integ.assertions.awsApiCall('EventBridge', 'describeReplay', { ReplayName: replayName });
  replay.expect(ExpectedResult.objectLike({ State: 'COMPLETED' })).waitForAssertions(POLL);
  describe.next(start).next(replay)
    .next(expectMessage(integ, deliveries, `"replay-name":"${replayName}".*"orderId":"integ-1"|"orderId":"integ-1".*"replay-name":"${replayName}"`));

  // Known limits (EncryptedArchive) "Alarm notifications": CloudWatch may use the key to publish to the alarm topic.
  expectAlarmNotification(integ, archive.failedInvocationsAlarm, alarmProbe);
  return integ;
}

runWhenMain(module, build);
