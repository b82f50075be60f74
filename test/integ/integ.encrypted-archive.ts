/**
 * Acceptance test: EncryptedArchive. Events put on the encrypted bus are archived under the key, and the archive's
 * filter holds.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { DISPOSABLE_KEY, expectAlarmNotification, IntegAppOptions, integTest, POLL, runWhenMain, subscribeProbe } from './integ-support';
import { AuditTrail, EncryptedArchive } from '../../src';

export const SOURCE = 'integ.cdk-encrypted-constructs';

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = new Stack(app, 'IntegEncryptedArchive', { env: options.env });
  const archive = new EncryptedArchive(stack, 'Orders', {
    eventPattern: { source: [SOURCE] },
    retention: Duration.days(1),
    removalPolicy: RemovalPolicy.DESTROY,
    keyOptions: DISPOSABLE_KEY,
    auditTrail: AuditTrail.none(),
  });
  const alarmProbe = subscribeProbe(stack, 'AlarmProbe', archive.alarmTopic);

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

  // Known limits (EncryptedArchive) "Alarm notifications": CloudWatch may use the key to publish to the alarm topic.
  expectAlarmNotification(integ, archive.failedInvocationsAlarm, alarmProbe);
  return integ;
}

runWhenMain(module, build);
