/**
 * Acceptance test: all four constructs on strict-mode keys (the account root may administer but not use them) in one
 * stack, audited by the library's account-shared trail with its key-tampering alert.
 *
 * The trail's buckets (object lock), log group and keys are retained by design when the stack is destroyed: see the
 * docs/acceptance-tests.md for the clean-up.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicies, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { expectMasterSecretReadableAndRotated, masterSecretReader, masterSecretReaderWithoutKms } from './integ-rds-support';
import { DISPOSABLE_KEY, expectMessage, IntegAppOptions, integTest, POLL, probeQueue, runWhenMain, subscribeProbe, throwawayApiKey } from './integ-support';
import { SOURCE } from './integ.encrypted-archive';
import { disposableDatabase } from './integ.encrypted-rds-instance';
import { oneTimeExpression } from './integ.encrypted-schedule';
import { AuditTrail, EncryptedArchive, EncryptedConnection, EncryptedSchedule, EncryptionKeyOptions, KeyAuditTrail, KeyTamperingAlert } from '../../src';

const STRICT: EncryptionKeyOptions = { ...DISPOSABLE_KEY, strictMode: true };

export function build(app: App, options: IntegAppOptions): IntegTest {
  const stack = new Stack(app, 'IntegStrictComposition', { env: options.env });
  const auditTrail = AuditTrail.accountShared();

  const archive = new EncryptedArchive(stack, 'Orders', {
    eventPattern: { source: [SOURCE] },
    retention: Duration.days(1),
    removalPolicy: RemovalPolicy.DESTROY,
    keyOptions: STRICT,
    auditTrail,
  });

  const target = probeQueue(stack, 'ScheduleTarget');
  const schedule = new EncryptedSchedule(stack, 'OneTime', {
    schedule: oneTimeExpression(options.now),
    target: new targets.SqsSendMessage(target, { input: scheduler.ScheduleTargetInput.fromObject({ acceptance: 'strict-schedule-payload' }) }),
    description: 'cdk-encrypted-constructs acceptance test (strict mode): fires once into an SQS queue',
    keyOptions: STRICT,
    auditTrail,
  });

  const apiKey = throwawayApiKey(stack);
  const conn = new EncryptedConnection(stack, 'Echo', {
    authorization: events.Authorization.apiKey('x-api-key', apiKey.secretValue),
    keyOptions: STRICT,
    auditTrail,
  });

  const db = disposableDatabase(stack, 'Db', STRICT, auditTrail);
  const reader = masterSecretReader(stack, 'MasterSecretReader', db);
  const readerWithoutKms = masterSecretReaderWithoutKms(stack, 'MasterSecretReaderWithoutKms', db);
  // What the constructs retain by default (dead-letter queues, log groups) goes with the stack; the account-shared
  // trail and its alert stay, as the library means them to (see the file comment).
  for (const construct of [archive, schedule, conn, db]) RemovalPolicies.of(construct).destroy();

  const trail = KeyAuditTrail.of(stack);
  const tamperingProbe = subscribeProbe(stack, 'TamperingProbe', KeyTamperingAlert.hubOf(stack).alertTopic);

  const integ = integTest(app, 'StrictCompositionTest', stack);

  // Top-level Known limits "Roles are named through aws:PrincipalArn" and the strict-mode entries: the stack deploys
  // at all (EncryptedArchive "The bus's creator, in strict mode"; EncryptedSchedule "kms:ViaService for Scheduler, in
  // strict mode"; EncryptedRdsInstance "Grants for the master secret"), and the verification of every construct passes.

  // EncryptedArchive "No aws:SourceArn on the bus and archive statement", strict key: events are accepted and archived.
  const put = integ.assertions.awsApiCall('EventBridge', 'putEvents', {
    Entries: [{ EventBusName: archive.eventBusName, Source: SOURCE, DetailType: 'IntegOrderPlaced', Detail: JSON.stringify({ orderId: 'strict-1' }) }],
  });
  put.expect(ExpectedResult.objectLike({ FailedEntryCount: 0 }));
  const describeArchive = integ.assertions.awsApiCall('EventBridge', 'describeArchive', { ArchiveName: archive.archiveName });
  describeArchive.expect(ExpectedResult.objectLike({ State: 'ENABLED', EventCount: 1 })).waitForAssertions(POLL);
  put.next(describeArchive);

  // EncryptedSchedule "kms:ViaService for Scheduler, in strict mode" and "Roles are named through aws:PrincipalArn":
  // the execution role decrypts the payload under a key whose root may not use it.
  expectMessage(integ, target, 'strict-schedule-payload');

  // EncryptedConnection "Strict mode and other readers of the secret": EventBridge's service-linked role alone reads
  // and writes the secret under ConnectionSecret.
  integ.assertions.awsApiCall('EventBridge', 'describeConnection', { Name: conn.connectionName })
    .expect(ExpectedResult.objectLike({ ConnectionState: 'AUTHORIZED' })).waitForAssertions(POLL);

  // docs/key-grants.md "The RDS master secret" and EncryptedRdsInstance "Grants for the master secret", on a
  // strict-mode key: only the reader the key policy names reads the secret; the rotation completes on RDS's grant.
  expectMasterSecretReadableAndRotated(integ, db, reader, readerWithoutKms);

  // Top-level "The CloudTrail logs role": the trail logs, and delivers to S3 and CloudWatch Logs under the trail key.
  integ.assertions.awsApiCall('CloudTrail', 'getTrailStatus', { Name: trail.trailArn })
    .expect(ExpectedResult.objectLike({ IsLogging: true, LatestDeliveryTime: Match.stringLikeRegexp('.+'), LatestCloudWatchLogsDeliveryTime: Match.stringLikeRegexp('.+') }))
    .waitForAssertions(POLL);

  // Top-level "EventBridge -> encrypted SNS topics and SQS queues" and "Grant alerts rely on CloudTrail's userIdentity"
  // (the key-tampering pattern): disabling and re-enabling a watched key sends a key-tampering alert through the
  // encrypted alert topic. Runs after the archive's check, whose key it disables for a moment.
  const disable = integ.assertions.awsApiCall('KMS', 'disableKey', { KeyId: archive.encryptionKey.keyArn });
  const enable = integ.assertions.awsApiCall('KMS', 'enableKey', { KeyId: archive.encryptionKey.keyArn });
  describeArchive.next(disable).next(enable).next(expectMessage(integ, tamperingProbe, 'DisableKey'));
  return integ;
}

runWhenMain(module, build);
