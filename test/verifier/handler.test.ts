/**
 * The verifier handler end to end, against strict SDK mocks and a loopback CloudFormation endpoint: Create and Update
 * (every check, every resource type), the Reason within CloudFormation's limit, Delete and malformed events. Faults,
 * the deadline and delivery: handler-faults.test.ts.
 */
import { DescribeArchiveCommand, DescribeConnectionCommand, DescribeEventBusCommand, ResourceNotFoundException as EventsNotFound } from '@aws-sdk/client-eventbridge';
import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  GetKeyRotationStatusCommand,
  ListResourceTagsCommand,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { DBClusterNotFoundFault, DBInstanceNotFoundFault, DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { GetScheduleCommand, ResourceNotFoundException as SchedulerNotFound } from '@aws-sdk/client-scheduler';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import 'aws-sdk-client-mock-jest';
import {
  ACCOUNT,
  ALL_RESOURCES,
  ARCHIVE,
  awsError,
  CIPHERTEXT,
  CONNECTION,
  CONSTRUCT_PATH,
  CONTEXT,
  DB_CLUSTER,
  DB_INSTANCE,
  EVENT_BUS,
  healthyAccount,
  healthyArchive,
  healthyConnection,
  healthyDbCluster,
  healthyDbInstance,
  healthyEventBus,
  healthyKey,
  healthySchedule,
  HEALTHY_KEY,
  KEY_ARN,
  KEY_ID,
  keyIdentifier,
  mocks,
  OTHER_KEY_ARN,
  PLAINTEXT_TEXT,
  SCHEDULE,
  SECRET_ARN,
  TAMPERED_CONTEXT,
  totalCalls,
  resetStrictMocks,
} from './support/aws';
import { cfnEvent, lambdaContext, LOGICAL_ID, properties } from './support/events';
import {
  ALL_RESOURCES_ID,
  ALLOWED_TYPES,
  allResources,
  AWS_MANAGED_RDS_KEY_ARN,
  body,
  endpoint,
  HEAD,
  INVALID_ID,
  invoke,
  LOG_STREAM,
  logs,
  NO_RESOURCES_ID,
  PREVIOUS_ID,
  request,
  useHandlerHarness,
  verifier,
} from './support/handler-harness';
import { handler } from '../../src/verifier/handler.lambda';
import { failureReason } from '../../src/verifier/reason';
import { bodyBytes } from '../../src/verifier/response';

useHandlerHarness();

describe('Create and Update', () => {
  test('a key that protects every resource type passes all checks and answers SUCCESS with a report', async () => {
    healthyAccount();

    const response = await invoke(cfnEvent('Create', endpoint.url, allResources()));

    expect(response).toEqual(body('SUCCESS', ALL_RESOURCES_ID, {
      Data: {
        KeyArn: KEY_ARN,
        ChecksPassed: '10',
        Report: `10 checks passed for ${CONSTRUCT_PATH}: key: enabled, customer managed, SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT; key rotation: enabled; `
          + 'round trip: data key decrypted to the same bytes; context binding: wrong context rejected; schedule jobs/nightly: bound to the key; '
          + 'event bus orders: bound to the key; archive orders-archive: bound to the key; connection partner-api: bound to the key; '
          + 'DB instance orders-db: bound to the key; DB cluster orders-cluster: bound to the key',
      },
    }));
    expect(endpoint.received[0].method).toBe('PUT');
    expect(endpoint.received[0].path).toBe('/cloudformation-response?X-Amz-Signature=test');
    expect(endpoint.received[0].headers['content-type']).toBe('');
    expect(endpoint.received[0].headers['content-length']).toBe(String(Buffer.byteLength(endpoint.received[0].rawBody)));

    // The round trip: a data key under the verification context, decrypted under it and rejected under another one.
    expect(mocks.kms).toHaveReceivedCommandWith(GenerateDataKeyCommand, { KeyId: KEY_ARN, KeySpec: 'AES_256', EncryptionContext: CONTEXT });
    expect(mocks.kms).toHaveReceivedCommandWith(DecryptCommand, { KeyId: KEY_ARN, CiphertextBlob: CIPHERTEXT, EncryptionContext: CONTEXT });
    expect(mocks.kms).toHaveReceivedCommandWith(DecryptCommand, { KeyId: KEY_ARN, CiphertextBlob: CIPHERTEXT, EncryptionContext: TAMPERED_CONTEXT });
    expect(mocks.kms).toHaveReceivedCommandTimes(DecryptCommand, 2);
    // The key, and the two identifiers that are not the key ARN (the bus's alias, the archive's key id), once each.
    expect(mocks.kms).toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: KEY_ARN });
    expect(mocks.kms).toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: 'alias/orders' });
    expect(mocks.kms).toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: KEY_ID });
    expect(mocks.kms).toHaveReceivedCommandTimes(DescribeKeyCommand, 3);
    expect(mocks.kms).toHaveReceivedCommandWith(GetKeyRotationStatusCommand, { KeyId: KEY_ARN });
    expect(mocks.kms).toHaveReceivedCommandWith(ListResourceTagsCommand, { KeyId: KEY_ARN });
    // The resources.
    expect(mocks.scheduler).toHaveReceivedCommandWith(GetScheduleCommand, { Name: 'nightly', GroupName: 'jobs' });
    expect(mocks.events).toHaveReceivedCommandWith(DescribeEventBusCommand, { Name: 'orders' });
    expect(mocks.events).toHaveReceivedCommandWith(DescribeArchiveCommand, { ArchiveName: 'orders-archive' });
    expect(mocks.events).toHaveReceivedCommandWith(DescribeConnectionCommand, { Name: 'partner-api' });
    expect(mocks.secretsManager).toHaveReceivedCommandWith(DescribeSecretCommand, { SecretId: SECRET_ARN });
    expect(mocks.rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db' });
    expect(mocks.rds).toHaveReceivedCommandWith(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders-cluster' });
    expect(totalCalls()).toBe(15);
  });

  test('an Update of the same resources keeps the physical id; another key gives another id', async () => {
    healthyAccount();
    await invoke(cfnEvent('Update', endpoint.url, allResources(), { PhysicalResourceId: ALL_RESOURCES_ID }));
    expect(endpoint.received[0].body.PhysicalResourceId).toBe(ALL_RESOURCES_ID);

    // Same resources listed in another order: still the same id.
    endpoint.reset();
    await invoke(cfnEvent('Update', endpoint.url, allResources({ Resources: [...ALL_RESOURCES].reverse() }), { PhysicalResourceId: ALL_RESOURCES_ID }));
    expect(endpoint.received[0].body.PhysicalResourceId).toBe(ALL_RESOURCES_ID);

    resetStrictMocks();
    endpoint.reset();
    mocks.kms.on(DescribeKeyCommand, { KeyId: OTHER_KEY_ARN }, true).resolves({ KeyMetadata: { ...HEALTHY_KEY, Arn: OTHER_KEY_ARN } });
    mocks.kms.on(GetKeyRotationStatusCommand, { KeyId: OTHER_KEY_ARN }, true).resolves({ KeyRotationEnabled: true });
    mocks.kms.on(GenerateDataKeyCommand, { KeyId: OTHER_KEY_ARN }).callsFake(() => ({ Plaintext: Buffer.from(PLAINTEXT_TEXT), CiphertextBlob: CIPHERTEXT }));
    mocks.kms.on(DecryptCommand, { KeyId: OTHER_KEY_ARN, EncryptionContext: CONTEXT }).callsFake(() => ({ Plaintext: Buffer.from(PLAINTEXT_TEXT) }));
    mocks.kms.on(DecryptCommand, { KeyId: OTHER_KEY_ARN, EncryptionContext: TAMPERED_CONTEXT }).rejects(awsError('InvalidCiphertextException'));
    const response = await invoke(cfnEvent('Update', endpoint.url, properties({ KeyArn: OTHER_KEY_ARN }), { PhysicalResourceId: ALL_RESOURCES_ID }));
    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toMatch(new RegExp(`^encryption-verification:${OTHER_KEY_ARN}:[0-9a-f]{12}$`));
  });

  test('without resources only the key is checked (Resources empty or absent)', async () => {
    healthyKey();
    const response = await invoke(cfnEvent('Create', endpoint.url, properties({ Resources: [] })));
    expect(response).toEqual(body('SUCCESS', NO_RESOURCES_ID, {
      Data: {
        KeyArn: KEY_ARN,
        ChecksPassed: '4',
        Report: `4 checks passed for ${CONSTRUCT_PATH}: key: enabled, customer managed, SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT; key rotation: enabled; `
          + 'round trip: data key decrypted to the same bytes; context binding: wrong context rejected',
      },
    }));
    expect(totalCalls()).toBe(5);

    endpoint.reset();
    const again = await invoke(cfnEvent('Create', endpoint.url, properties({ Resources: undefined })));
    expect(again.PhysicalResourceId).toBe(NO_RESOURCES_ID);
  });

  test('CheckRotation "false" does not ask for the rotation status', async () => {
    healthyKey();
    mocks.kms.on(GetKeyRotationStatusCommand).rejects(new Error('must not be called'));
    const response = await invoke(cfnEvent('Create', endpoint.url, properties({ CheckRotation: 'false' })));
    expect(response.Status).toBe('SUCCESS');
    expect((response.Data as Record<string, string>).ChecksPassed).toBe('3');
    expect(mocks.kms).not.toHaveReceivedCommand(GetKeyRotationStatusCommand);
  });

  test('key identifiers are resolved once per invocation, however many resources name them', async () => {
    healthyKey();
    keyIdentifier('alias/shared');
    for (const name of ['a', 'b', 'c']) {
      mocks.events.on(DescribeEventBusCommand, { Name: name }, true).resolves({ KmsKeyIdentifier: 'alias/shared' });
    }
    const response = await invoke(cfnEvent('Create', endpoint.url, properties({
      Resources: ['a', 'b', 'c'].map(Name => ({ Type: 'AWS::Events::EventBus', Name })),
    })));
    expect(response.Status).toBe('SUCCESS');
    expect(mocks.kms.commandCalls(DescribeKeyCommand, { KeyId: 'alias/shared' })).toHaveLength(1);
  });

  test('the tag of the key is listed once for several connections, across pages', async () => {
    healthyKey();
    healthyConnection();
    mocks.events.on(DescribeConnectionCommand, { Name: 'second' }, true).resolves({ SecretArn: SECRET_ARN, KmsKeyIdentifier: KEY_ARN });
    mocks.kms.on(ListResourceTagsCommand, { KeyId: KEY_ARN }, true).resolves({ Tags: [{ TagKey: 'a', TagValue: '1' }], Truncated: true, NextMarker: 'page-2' });
    mocks.kms.on(ListResourceTagsCommand, { KeyId: KEY_ARN, Marker: 'page-2' }, true)
      .resolves({ Tags: [{ TagKey: 'EventBridgeApiDestinations', TagValue: 'true' }], Truncated: false });
    const response = await invoke(cfnEvent('Create', endpoint.url, properties({ Resources: [CONNECTION, { ...CONNECTION, Name: 'second' }] })));
    expect(response.Status).toBe('SUCCESS');
    expect(mocks.kms).toHaveReceivedCommandTimes(ListResourceTagsCommand, 2);
  });

  test('several failed checks are all listed in one reason', async () => {
    healthyAccount();
    mocks.kms.on(GetKeyRotationStatusCommand, { KeyId: KEY_ARN }, true).resolves({ KeyRotationEnabled: false });
    healthySchedule(OTHER_KEY_ARN);
    healthyDbInstance({ PerformanceInsightsEnabled: false, PerformanceInsightsKMSKeyId: undefined });

    const response = await invoke(cfnEvent('Create', endpoint.url, allResources()));

    expect(response).toEqual(body('FAILED', ALL_RESOURCES_ID, {
      Reason: `${HEAD} 3 of 10 checks failed.`
        + ` (1) [key rotation] automatic rotation is off for key ${KEY_ARN}: enable key rotation (enableKeyRotation: true, or aws kms enable-key-rotation)`
        + ` (2) [schedule jobs/nightly] the schedule jobs/nightly names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}: set the schedule's KmsKeyArn to the key ARN`
        + ' (3) [DB instance orders-db] the DB instance orders-db has Performance Insights off: enable it with PerformanceInsightsKMSKeyId set to the key'
        + LOG_STREAM,
    }));
  });

});

describe('a Reason too long for the response', () => {
  const SHORTENED = ' Shortened to fit: every detail in full is in log stream 2025/01/01/[$LATEST]0123456789abcdef.';
  const ACCESS_DENIED = `User: arn:aws:sts::${ACCOUNT}:assumed-role/Orders-EncryptionVerifierRole-1A2B3C4D5E6F/Orders-encryption-verifier is not authorized `
    + `to perform: kms:GenerateDataKey on resource: ${KEY_ARN} because no identity-based policy allows the kms:GenerateDataKey action`;
  const CONTEXT_KEY = 'cdk-encrypted-constructs:verification';

  test('every failed check is named with every fix, the Reason fits the response, and the log line holds each detail in full', async () => {
    healthyAccount();
    healthyKey({ KeyManager: 'AWS', KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    mocks.kms.on(GetKeyRotationStatusCommand, { KeyId: KEY_ARN }, true).resolves({ KeyRotationEnabled: false });
    mocks.kms.on(GenerateDataKeyCommand).rejects(awsError('AccessDeniedException', ACCESS_DENIED));
    healthySchedule(OTHER_KEY_ARN);
    keyIdentifier('alias/orders-other', OTHER_KEY_ARN);
    healthyEventBus('alias/orders-other');
    healthyArchive(null);
    healthyConnection({ connectionKey: OTHER_KEY_ARN, secretKey: undefined, tags: [{ TagKey: 'Purpose', TagValue: 'orders' }] });
    healthyDbInstance({ KmsKeyId: OTHER_KEY_ARN, MasterUserSecret: { KmsKeyId: OTHER_KEY_ARN }, PerformanceInsightsKMSKeyId: AWS_MANAGED_RDS_KEY_ARN });
    const hourly = { ...SCHEDULE, Name: 'hourly' };
    mocks.scheduler.on(GetScheduleCommand, { Name: 'hourly', GroupName: 'jobs' }, true).resolves({ Name: 'hourly', GroupName: 'jobs' });
    const replica = { ...DB_INSTANCE, Identifier: 'orders-db-replica' };
    mocks.rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db-replica' }, true)
      .resolves({ DBInstances: [{ DBInstanceIdentifier: 'orders-db-replica', StorageEncrypted: false, PerformanceInsightsEnabled: false }] });
    // Each failed check with its problems, as [what, fix]; the last ones are those a cut at the end used to lose.
    const expected: Array<[string, Array<[string, string?]>]> = [
      ['key', [
        [`key ${KEY_ARN} is managed by AWS, not the customer`, 'pass a customer managed key'],
        [`key ${KEY_ARN} has key spec RSA_2048`, 'the services need a symmetric encryption key (SYMMETRIC_DEFAULT)'],
        [`key ${KEY_ARN} has key usage SIGN_VERIFY`, 'the services need ENCRYPT_DECRYPT'],
      ]],
      ['key rotation', [[`automatic rotation is off for key ${KEY_ARN}`, 'enable key rotation (enableKeyRotation: true, or aws kms enable-key-rotation)']]],
      ['round trip', [[`kms:GenerateDataKey on ${KEY_ARN} still failed with AccessDeniedException after retrying for 109.7 s (${ACCESS_DENIED})`,
        `add the key-policy statement (and IAM permission) that lets the verifier role call kms:GenerateDataKey on key ${KEY_ARN} under encryption context ${CONTEXT_KEY}`]]],
      ['context binding', [['not tested: the round trip produced no ciphertext']]],
      ['schedule jobs/nightly', [[`the schedule jobs/nightly names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}`, "set the schedule's KmsKeyArn to the key ARN"]]],
      ['schedule jobs/hourly', [[`the schedule jobs/hourly names no key, so it is encrypted with an AWS owned key, expected ${KEY_ARN}`,
        "set the schedule's KmsKeyArn to the key ARN"]]],
      ['event bus orders', [[`the event bus orders names key alias/orders-other (${OTHER_KEY_ARN}), expected ${KEY_ARN}`, "set the event bus's KmsKeyIdentifier to the key"]]],
      ['archive orders-archive', [[`the archive orders-archive names no key, so it is encrypted with an AWS owned key, expected ${KEY_ARN}`,
        "set the archive's KmsKeyIdentifier to the key (EventBus.archive() drops the key: build events.Archive)"]]],
      ['DB instance orders-db-replica', [
        ['the DB instance orders-db-replica has unencrypted storage', 'set StorageEncrypted true and KmsKeyId to the key (storage encryption needs a new instance)'],
        ['the DB instance orders-db-replica has no RDS-managed master user secret', 'set ManageMasterUserPassword true and MasterUserSecret.KmsKeyId to the key'],
        ['the DB instance orders-db-replica has Performance Insights off', 'enable it with PerformanceInsightsKMSKeyId set to the key'],
      ]],
      ['connection partner-api', [
        [`the connection partner-api names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}`, "set the connection's KmsKeyIdentifier to the key"],
        [`the connection partner-api's secret ${SECRET_ARN} names no key, so it is encrypted with an AWS owned key, expected ${KEY_ARN}`,
          'update the connection with KmsKeyIdentifier set to the key so EventBridge re-encrypts its secret'],
        [`key ${KEY_ARN} lacks the tag EventBridgeApiDestinations=true, without which EventBridge cannot use it for the connection partner-api`, 'tag the key'],
      ]],
      ['DB instance orders-db', [
        [`the DB instance orders-db's storage names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}`, 'set KmsKeyId to the key (changing it replaces the instance)'],
        [`the DB instance orders-db's master user secret names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}`, 'set MasterUserSecret.KmsKeyId to the key'],
        [`the DB instance orders-db's Performance Insights names key ${AWS_MANAGED_RDS_KEY_ARN}, expected ${KEY_ARN}`, 'set PerformanceInsightsKMSKeyId to the key'],
      ]],
    ];
    const details = expected.map(([check, problems]) => ({ check, detail: problems.map(([what, fix]) => (fix ? `${what}: ${fix}` : what)).join('; ') }));

    const response = await invoke(cfnEvent('Create', endpoint.url, properties({ Resources: [SCHEDULE, hourly, EVENT_BUS, ARCHIVE, replica, CONNECTION, DB_INSTANCE] })));

    const reason = response.Reason as string;
    expect(Buffer.byteLength(details.map(d => d.detail).join(''))).toBeGreaterThan(4096); // too long for any response
    expect(Buffer.byteLength(endpoint.received[0].rawBody)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(4096);
    expect(reason.startsWith(`${HEAD} 11 of 11 checks failed. (1) [key] `)).toBe(true);
    expect(reason.endsWith(SHORTENED)).toBe(true);
    let from = 0;
    expected.forEach(([check, problems], i) => {
      // In order: the check, then for each problem the start of what is wrong and the whole fix (or the whole problem, without a fix).
      from = reason.indexOf(` (${i + 1}) [${check}] `, from);
      expect(from).toBeGreaterThan(0);
      for (const [what, fix] of problems) {
        from = reason.indexOf(fix ? what.slice(0, 20) : what, from);
        expect(from).toBeGreaterThan(0);
        if (fix) {
          from = reason.indexOf(`: ${fix}`, from);
          expect(from).toBeGreaterThan(0);
        }
      }
    });
    const line = JSON.parse(logs[0]);
    expect(line).toMatchObject({ level: 'ERROR', status: 'FAILED', reason });
    expect(line.failures).toEqual(details);
  });

  test('with so many failures that only the fixes fit, every failed check is still named, each with the start of its fix', async () => {
    healthyKey();
    const schedules = Array.from({ length: 60 }, (_, i) => ({ ...SCHEDULE, Name: `schedule-number-${i}` }));
    for (const s of schedules) {
      mocks.scheduler.on(GetScheduleCommand, { Name: s.Name, GroupName: s.GroupName }, true).resolves({ KmsKeyArn: OTHER_KEY_ARN });
    }
    const response = await invoke(cfnEvent('Create', endpoint.url, properties({ Resources: schedules })));
    const reason = response.Reason as string;
    expect(response.Status).toBe('FAILED');
    expect(Buffer.byteLength(endpoint.received[0].rawBody)).toBeLessThanOrEqual(4096);
    // In order, for each: ' (1) [schedule jobs/schedule-number-0] set the schedu...'
    expect(reason).toMatch(new RegExp(`^${escape(HEAD)} 60 of 64 checks failed\\.${schedules.map((s, i) => ` \\(${i + 1}\\) \\[schedule jobs/${s.Name}\\] set the sched[^(]*`).join('')}${escape(SHORTENED)}$`));
    expect(JSON.parse(logs[0]).failures).toHaveLength(60);
  });

  test('a malformed request too long for the Reason is cut there, with the pointer, and logged in full', async () => {
    const tables = Array.from({ length: 40 }, (_, i) => ({ Type: 'AWS::DynamoDB::Table', Name: `table-${i}` }));
    const response = await invoke(cfnEvent('Create', endpoint.url, properties({ Resources: tables })));
    const reason = response.Reason as string;
    expect(Buffer.byteLength(endpoint.received[0].rawBody)).toBeLessThanOrEqual(4096);
    expect(reason.startsWith('malformed request: Resources[0] has unknown Type "AWS::DynamoDB::Table"; allowed: ')).toBe(true);
    expect(reason.endsWith(`...${SHORTENED.replace('every detail in full', 'the full text')}`)).toBe(true);
    const line = JSON.parse(logs[0]);
    expect(line.reason).toBe(reason);
    expect(line.fullReason).toBe(`malformed request: ${tables.map((_, i) => `Resources[${i}] has unknown Type "AWS::DynamoDB::Table"; `
      + `allowed: ${ALLOWED_TYPES}`).join('; ')}`);
  });

  test('when not even the names fit, the first checks are named in the order they ran and the rest are counted, before the pointer to the log', () => {
    const failed = Array.from({ length: 200 }, (_, i) => ({ name: `schedule jobs/schedule-number-${i}`, passed: false, detail: 'd', problems: [{ what: 'w', fix: 'f' }] }));
    const reason = failureReason(request(), failed, 204, 3000, '2025/01/01/[$LATEST]0123456789abcdef');
    expect(bodyBytes(reason)).toBeLessThanOrEqual(3000);
    const named = [...reason.matchAll(/ \((\d+)\) \[schedule jobs\/schedule-number-(\d+)\]/g)].map(m => [Number(m[1]), Number(m[2])]);
    expect(named.length).toBeGreaterThan(50);
    expect(named).toEqual(named.map((_, i) => [i + 1, i]));
    expect(reason.endsWith(` [schedule jobs/schedule-number-${named.length - 1}] (+${200 - named.length} more failed checks)${SHORTENED}`)).toBe(true);
  });

  test('the Reason is measured in bytes as the JSON body holds them, and no character is split', () => {
    const failed = Array.from({ length: 12 }, (_, i) => ({
      name: `schedule jobs/nächtlich-${i}`,
      passed: false,
      detail: 'd',
      problems: [{ what: `the schedule "jobs/nächtlich-${i}" 🔑 names key ${OTHER_KEY_ARN}, expected ${KEY_ARN} — überall`, fix: 'set the schedule’s KmsKeyArn to the key ARN 🔑' }],
    }));
    for (const max of [1500, 1501, 1502, 1503, 2000]) {
      const reason = failureReason({ ...request(), contextValue: 'App/Bestellungen/Überprüfung' }, failed, 16, max);
      expect(Buffer.byteLength(JSON.stringify(reason)) - 2).toBeLessThanOrEqual(max);
      expect(Buffer.from(reason, 'utf8').toString('utf8')).toBe(reason); // a split surrogate pair would come back as U+FFFD
      failed.forEach((f, i) => expect(reason).toContain(`(${i + 1}) [${f.name}] `));
      expect(reason).toContain('set the schedule’s KmsKeyArn to the key ARN 🔑');
      expect(reason.endsWith(" Shortened to fit: every detail in full is in the function's log.")).toBe(true);
    }
  });
});

describe('key checks', () => {
  test.each([
    ['a disabled key', { KeyState: 'Disabled' }, `key ${KEY_ARN} is Disabled: enable the key (aws kms enable-key)`],
    ['a key pending deletion', { KeyState: 'PendingDeletion' }, `key ${KEY_ARN} is PendingDeletion: cancel key deletion (aws kms cancel-key-deletion), then enable the key`],
    ['an AWS managed key', { KeyManager: 'AWS' }, `key ${KEY_ARN} is managed by AWS, not the customer: pass a customer managed key`],
    ['an asymmetric key', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' },
      `key ${KEY_ARN} has key spec RSA_2048: the services need a symmetric encryption key (SYMMETRIC_DEFAULT); key ${KEY_ARN} has key usage SIGN_VERIFY: the services need ENCRYPT_DECRYPT`],
    ['an HMAC key', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' },
      `key ${KEY_ARN} has key spec HMAC_256: the services need a symmetric encryption key (SYMMETRIC_DEFAULT); key ${KEY_ARN} has key usage GENERATE_VERIFY_MAC: the services need ENCRYPT_DECRYPT`],
  ] as const)('%s fails the key check', async (_, metadata, detail) => {
    healthyKey(metadata);
    const response = await invoke(cfnEvent('Create', endpoint.url));
    expect(response).toEqual(body('FAILED', NO_RESOURCES_ID, { Reason: `${HEAD} 1 of 4 checks failed. (1) [key] ${detail}${LOG_STREAM}` }));
  });

  test('a key without automatic rotation fails when rotation is required', async () => {
    healthyKey();
    mocks.kms.on(GetKeyRotationStatusCommand, { KeyId: KEY_ARN }, true).resolves({ KeyRotationEnabled: false });
    const response = await invoke(cfnEvent('Create', endpoint.url));
    expect(response.Reason).toBe(`${HEAD} 1 of 4 checks failed. (1) [key rotation] automatic rotation is off for key ${KEY_ARN}: `
      + `enable key rotation (enableKeyRotation: true, or aws kms enable-key-rotation)${LOG_STREAM}`);
  });
});

describe('round trip and context binding', () => {
  test('a data key that decrypts to other bytes fails the round trip', async () => {
    healthyKey();
    mocks.kms.on(DecryptCommand, { KeyId: KEY_ARN, CiphertextBlob: CIPHERTEXT, EncryptionContext: CONTEXT }, true)
      .callsFake(() => ({ Plaintext: Buffer.from('SOMETHING-ELSE-ENTIRELY-01234567') }));
    const response = await invoke(cfnEvent('Create', endpoint.url));
    expect(response.Reason).toBe(`${HEAD} 1 of 4 checks failed. (1) [round trip] the data key generated with key ${KEY_ARN} did not decrypt to the same bytes: `
      + `the key or an intermediary is not behaving as KMS should; do not use this key${LOG_STREAM}`);
  });

  test('a key that accepts a wrong encryption context fails the context binding', async () => {
    healthyKey();
    mocks.kms.on(DecryptCommand, { KeyId: KEY_ARN, CiphertextBlob: CIPHERTEXT, EncryptionContext: TAMPERED_CONTEXT }, true)
      .callsFake(() => ({ Plaintext: Buffer.from(PLAINTEXT_TEXT) }));
    const response = await invoke(cfnEvent('Create', endpoint.url));
    expect(response.Reason).toBe(`${HEAD} 1 of 4 checks failed. (1) [context binding] the key accepted a wrong encryption context `
      + `(cdk-encrypted-constructs:verification=${CONSTRUCT_PATH}:tampered) for key ${KEY_ARN}: the ciphertext is not bound to its context; do not use this key${LOG_STREAM}`);
  });

  test('any other error under the wrong context fails the context binding, named as such', async () => {
    healthyKey();
    mocks.kms.on(DecryptCommand, { KeyId: KEY_ARN, CiphertextBlob: CIPHERTEXT, EncryptionContext: TAMPERED_CONTEXT }, true)
      .rejects(awsError('AccessDeniedException', 'not authorized'));
    const response = await invoke(cfnEvent('Create', endpoint.url));
    expect(response.Reason).toBe(`${HEAD} 1 of 4 checks failed. (1) [context binding] decrypting with a wrong context did not fail with InvalidCiphertextException: `
      + `kms:Decrypt on ${KEY_ARN} still failed with AccessDeniedException after retrying for 109.7 s (not authorized): add the key-policy statement (and IAM permission) that lets the verifier role `
      + `call kms:Decrypt on key ${KEY_ARN} under encryption context cdk-encrypted-constructs:verification${LOG_STREAM}`);
  });

  test('when no data key can be generated, the context binding is reported as not tested', async () => {
    healthyKey();
    mocks.kms.on(GenerateDataKeyCommand).rejects(awsError('AccessDeniedException', 'no grant'));
    const response = await invoke(cfnEvent('Create', endpoint.url));
    expect(response.Reason).toBe(`${HEAD} 2 of 4 checks failed.`
      + ` (1) [round trip] kms:GenerateDataKey on ${KEY_ARN} still failed with AccessDeniedException after retrying for 109.7 s (no grant): add the key-policy statement (and IAM permission) that lets the verifier role `
      + `call kms:GenerateDataKey on key ${KEY_ARN} under encryption context cdk-encrypted-constructs:verification`
      + ` (2) [context binding] not tested: the round trip produced no ciphertext${LOG_STREAM}`);
    expect(mocks.kms).not.toHaveReceivedCommand(DecryptCommand);
  });
});

describe('resource binding', () => {
  const set = "set the schedule's KmsKeyArn to the key ARN";
  test.each<[string, Record<string, unknown>, () => void, string]>([
    ['a schedule with another key', SCHEDULE, () => healthySchedule(OTHER_KEY_ARN),
      `the schedule jobs/nightly names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}: ${set}`],
    ['a schedule with the AWS owned key', SCHEDULE, () => healthySchedule(null),
      `the schedule jobs/nightly names no key, so it is encrypted with an AWS owned key, expected ${KEY_ARN}: ${set}`],
    ['a missing schedule', SCHEDULE,
      () => mocks.scheduler.on(GetScheduleCommand).rejects(new SchedulerNotFound({ message: 'Schedule nightly does not exist.', Message: 'Schedule nightly does not exist.', $metadata: {} })),
      'scheduler:GetSchedule on schedule jobs/nightly still failed with ResourceNotFoundException after retrying for 109.7 s: the schedule jobs/nightly does not exist in this account and region: '
        + 'create it before the verification runs (the verification must depend on it)'],
    ['a schedule the verifier may not read', SCHEDULE, () => mocks.scheduler.on(GetScheduleCommand).rejects(awsError('AccessDeniedException', 'denied')),
      'scheduler:GetSchedule on schedule jobs/nightly still failed with AccessDeniedException after retrying for 109.7 s (denied): let the verifier role call scheduler:GetSchedule on the schedule jobs/nightly'],
    ['an event bus whose alias names another key', EVENT_BUS, () => {
      keyIdentifier('alias/orders', OTHER_KEY_ARN);
      healthyEventBus('alias/orders-other');
      keyIdentifier('alias/orders-other', OTHER_KEY_ARN);
    }, `the event bus orders names key alias/orders-other (${OTHER_KEY_ARN}), expected ${KEY_ARN}: set the event bus's KmsKeyIdentifier to the key`],
    ['an event bus on an AWS managed key (a mismatch at once, by its reserved alias)', EVENT_BUS, () => healthyEventBus('alias/aws/events'),
      `the event bus orders names the AWS managed key alias/aws/events, expected ${KEY_ARN}: set the event bus's KmsKeyIdentifier to the key`],
    ['an event bus on an AWS managed key named by its alias ARN', EVENT_BUS, () => healthyEventBus('arn:aws:kms:eu-west-1:111122223333:alias/aws/events'),
      `the event bus orders names the AWS managed key arn:aws:kms:eu-west-1:111122223333:alias/aws/events, expected ${KEY_ARN}: set the event bus's KmsKeyIdentifier to the key`],
    ['an event bus whose key cannot be resolved', EVENT_BUS, () => {
      healthyEventBus('alias/gone');
      mocks.kms.on(DescribeKeyCommand, { KeyId: 'alias/gone' }, true).rejects(new NotFoundException({ message: 'Alias alias/gone is not found.', $metadata: {} }));
    }, `the event bus orders names key alias/gone, which the verifier could not resolve (NotFoundException after retrying for 109.7 s), expected ${KEY_ARN}: set the event bus's KmsKeyIdentifier to the key`],
    ['a missing event bus', EVENT_BUS, () => mocks.events.on(DescribeEventBusCommand).rejects(new EventsNotFound({ message: 'Event bus orders does not exist.', $metadata: {} })),
      'events:DescribeEventBus on event bus orders still failed with ResourceNotFoundException after retrying for 109.7 s: the event bus orders does not exist in this account and region: '
        + 'create it before the verification runs (the verification must depend on it)'],
    ['an archive with the AWS owned key', ARCHIVE, () => healthyArchive(null),
      `the archive orders-archive names no key, so it is encrypted with an AWS owned key, expected ${KEY_ARN}: `
        + "set the archive's KmsKeyIdentifier to the key (EventBus.archive() drops the key: build events.Archive)"],
    ['a connection with another key', CONNECTION, () => healthyConnection({ connectionKey: OTHER_KEY_ARN }),
      `the connection partner-api names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}: set the connection's KmsKeyIdentifier to the key`],
    ['a connection whose secret uses the AWS managed key', CONNECTION, () => healthyConnection({ secretKey: undefined }),
      `the connection partner-api's secret ${SECRET_ARN} names no key, so it is encrypted with an AWS owned key, expected ${KEY_ARN}: `
        + 'update the connection with KmsKeyIdentifier set to the key so EventBridge re-encrypts its secret'],
    ['a connection whose key lacks the EventBridgeApiDestinations tag', CONNECTION,
      () => healthyConnection({ tags: [{ TagKey: 'EventBridgeApiDestinations', TagValue: 'false' }] }),
      `key ${KEY_ARN} lacks the tag EventBridgeApiDestinations=true, without which EventBridge cannot use it for the connection partner-api: tag the key`],
    ['a connection without a secret', CONNECTION, () => {
      healthyConnection();
      mocks.events.on(DescribeConnectionCommand, { Name: CONNECTION.Name }, true).resolves({ KmsKeyIdentifier: KEY_ARN });
    }, 'the connection partner-api has no secret (DescribeConnection returned no SecretArn): re-create the connection with its authorization parameters'],
    ['a DB instance with unencrypted storage', DB_INSTANCE, () => healthyDbInstance({ StorageEncrypted: false, KmsKeyId: undefined }),
      'the DB instance orders-db has unencrypted storage: set StorageEncrypted true and KmsKeyId to the key (storage encryption needs a new instance)'],
    ['a DB instance on another key', DB_INSTANCE, () => healthyDbInstance({ KmsKeyId: OTHER_KEY_ARN }),
      `the DB instance orders-db's storage names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}: set KmsKeyId to the key (changing it replaces the instance)`],
    ['a DB instance without a managed master secret', DB_INSTANCE, () => healthyDbInstance({ MasterUserSecret: undefined }),
      'the DB instance orders-db has no RDS-managed master user secret: set ManageMasterUserPassword true and MasterUserSecret.KmsKeyId to the key'],
    ['a DB instance whose master secret uses another key', DB_INSTANCE,
      () => healthyDbInstance({ MasterUserSecret: { SecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-1', KmsKeyId: OTHER_KEY_ARN } }),
      `the DB instance orders-db's master user secret names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}: set MasterUserSecret.KmsKeyId to the key`],
    ['a DB instance whose Performance Insights use the AWS managed key', DB_INSTANCE, () => healthyDbInstance({ PerformanceInsightsKMSKeyId: AWS_MANAGED_RDS_KEY_ARN }),
      `the DB instance orders-db's Performance Insights names key ${AWS_MANAGED_RDS_KEY_ARN}, expected ${KEY_ARN}: set PerformanceInsightsKMSKeyId to the key`],
    ['a missing DB instance', DB_INSTANCE,
      () => mocks.rds.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ message: 'DBInstance orders-db not found.', $metadata: {} })),
      'rds:DescribeDBInstances on DB instance orders-db still failed with DBInstanceNotFoundFault after retrying for 109.7 s: the DB instance orders-db does not exist in this account and region: '
        + 'create it before the verification runs (the verification must depend on it)'],
    ['a DB cluster with unencrypted storage', DB_CLUSTER, () => healthyDbCluster({ StorageEncrypted: false, KmsKeyId: undefined }),
      'the DB cluster orders-cluster has unencrypted storage: set StorageEncrypted true and KmsKeyId to the key (storage encryption needs a new cluster)'],
    ['a DB cluster on another key', DB_CLUSTER, () => healthyDbCluster({ KmsKeyId: OTHER_KEY_ARN }),
      `the DB cluster orders-cluster's storage names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}: set KmsKeyId to the key (changing it replaces the cluster)`],
    ['a DB cluster without a managed master secret', DB_CLUSTER, () => healthyDbCluster({ MasterUserSecret: undefined }),
      'the DB cluster orders-cluster has no RDS-managed master user secret: set ManageMasterUserPassword true and MasterUserSecret.KmsKeyId to the key'],
    ['a DB cluster whose master secret uses another key', DB_CLUSTER,
      () => healthyDbCluster({ MasterUserSecret: { SecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!cluster-1', KmsKeyId: OTHER_KEY_ARN } }),
      `the DB cluster orders-cluster's master user secret names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}: set MasterUserSecret.KmsKeyId to the key`],
    ['a DB cluster with Performance Insights off', DB_CLUSTER, () => healthyDbCluster({ PerformanceInsightsEnabled: false, PerformanceInsightsKMSKeyId: undefined }),
      'the DB cluster orders-cluster has Performance Insights off: set the cluster\'s PerformanceInsightsEnabled true and PerformanceInsightsKmsKeyId to the key'],
    ['a DB cluster whose Performance Insights use the AWS managed key', DB_CLUSTER, () => healthyDbCluster({ PerformanceInsightsKMSKeyId: AWS_MANAGED_RDS_KEY_ARN }),
      `the DB cluster orders-cluster's Performance Insights names key ${AWS_MANAGED_RDS_KEY_ARN}, expected ${KEY_ARN}: set PerformanceInsightsKmsKeyId to the key`],
    ['a DB cluster that DescribeDBClusters does not return', DB_CLUSTER, () => mocks.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] }),
      'the DB cluster orders-cluster was not found (DescribeDBClusters returned none): make the verification depend on the cluster'],
    ['a missing DB cluster', DB_CLUSTER,
      () => mocks.rds.on(DescribeDBClustersCommand).rejects(new DBClusterNotFoundFault({ message: 'DBCluster orders-cluster not found.', $metadata: {} })),
      'rds:DescribeDBClusters on DB cluster orders-cluster still failed with DBClusterNotFoundFault after retrying for 109.7 s: the DB cluster orders-cluster does not exist in this account and region: '
        + 'create it before the verification runs (the verification must depend on it)'],
  ])('%s fails its binding check', async (_, resource, setup, detail) => {
    healthyKey();
    setup();
    const response = await invoke(cfnEvent('Create', endpoint.url, properties({ Resources: [resource] })));
    expect(response.Status).toBe('FAILED');
    const name = resource.Type === 'AWS::RDS::DBInstance' ? `DB instance ${resource.Identifier}`
      : resource.Type === 'AWS::RDS::DBCluster' ? `DB cluster ${resource.Identifier}` : undefined;
    const label = name ?? {
      'AWS::Scheduler::Schedule': 'schedule jobs/nightly',
      'AWS::Events::EventBus': 'event bus orders',
      'AWS::Events::Archive': 'archive orders-archive',
      'AWS::Events::Connection': 'connection partner-api',
    }[resource.Type as string];
    expect(response.Reason).toBe(`${HEAD} 1 of 5 checks failed. (1) [${label}] ${detail}${LOG_STREAM}`);
  });

  test('a DB instance is checked only for the parts it is expected to encrypt', async () => {
    healthyKey();
    healthyDbInstance({ MasterUserSecret: undefined, PerformanceInsightsEnabled: false, PerformanceInsightsKMSKeyId: undefined });
    const response = await invoke(cfnEvent('Create', endpoint.url, properties({
      Resources: [{ ...DB_INSTANCE, ExpectMasterUserSecret: 'false', ExpectPerformanceInsights: 'false' }],
    })));
    expect(response.Status).toBe('SUCCESS');
  });

  test('a DB cluster is checked only for the parts it is expected to encrypt', async () => {
    healthyKey();
    healthyDbCluster({ MasterUserSecret: undefined, PerformanceInsightsEnabled: false, PerformanceInsightsKMSKeyId: undefined });
    const response = await invoke(cfnEvent('Create', endpoint.url, properties({
      Resources: [{ ...DB_CLUSTER, ExpectMasterUserSecret: 'false', ExpectPerformanceInsights: 'false' }],
    })));
    expect(response.Status).toBe('SUCCESS');
  });

  test('a key named by a different key ARN is a mismatch without asking KMS about the other key', async () => {
    healthyKey();
    healthySchedule(OTHER_KEY_ARN);
    await invoke(cfnEvent('Create', endpoint.url, properties({ Resources: [SCHEDULE] })));
    expect(mocks.kms).not.toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: OTHER_KEY_ARN });
  });
});

describe('Delete', () => {
  test('Delete answers SUCCESS with the same physical id and calls no AWS API', async () => {
    const response = await invoke(cfnEvent('Delete', endpoint.url, allResources()));
    expect(response).toEqual(body('SUCCESS', PREVIOUS_ID));
    expect(totalCalls()).toBe(0);
  });

  test('Delete succeeds even when the properties are malformed (after a Create that failed on them)', async () => {
    const response = await invoke(cfnEvent('Delete', endpoint.url, { KeyArn: 42 }, { PhysicalResourceId: INVALID_ID }));
    expect(response).toEqual(body('SUCCESS', INVALID_ID));
    expect(totalCalls()).toBe(0);
  });

  test('the exported handler answers Delete with its real dependencies', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await handler(cfnEvent('Delete', endpoint.url), lambdaContext());
      expect(log).toHaveBeenCalledTimes(1);
    } finally {
      log.mockRestore();
    }
    expect(endpoint.received.map(r => r.body)).toEqual([body('SUCCESS', PREVIOUS_ID)]);
  });
});

describe('malformed events', () => {
  test.each<[string, (url: string) => Record<string, unknown>, string, string?]>([
    ['KeyArn missing', url => cfnEvent('Create', url, properties({ KeyArn: undefined })), 'KeyArn is missing'],
    ['KeyArn an alias', url => cfnEvent('Create', url, properties({ KeyArn: 'alias/orders' })),
      'KeyArn must be a full key ARN (arn:<partition>:kms:<region>:<account>:key/<key-id>), got "alias/orders"'],
    ['VerificationContext with two entries', url => cfnEvent('Create', url, properties({ VerificationContext: { ...CONTEXT, extra: 'x' } })),
      'VerificationContext must have exactly one entry ("cdk-encrypted-constructs:verification"), got 2: "cdk-encrypted-constructs:verification, extra"'],
    ['VerificationContext with another key', url => cfnEvent('Create', url, properties({ VerificationContext: { purpose: 'x' } })),
      'VerificationContext key must be "cdk-encrypted-constructs:verification" (the only key the verifier role may use), got "purpose"'],
    ['CheckRotation not a flag', url => cfnEvent('Create', url, properties({ CheckRotation: 'yes' })), 'CheckRotation must be "true" or "false", got "yes"'],
    ['an unknown resource Type', url => cfnEvent('Create', url, properties({ Resources: [{ Type: 'AWS::DynamoDB::Table', Name: 't' }] })),
      `Resources[0] has unknown Type "AWS::DynamoDB::Table"; allowed: ${ALLOWED_TYPES}`],
    ['a schedule without GroupName', url => cfnEvent('Create', url, properties({ Resources: [{ Type: 'AWS::Scheduler::Schedule', Name: 'n' }] })),
      'Resources[0] (AWS::Scheduler::Schedule) is missing GroupName'],
    ['a DB instance without identifier or flags', url => cfnEvent('Create', url, properties({ Resources: [SCHEDULE, { Type: 'AWS::RDS::DBInstance' }] })),
      'Resources[1] (AWS::RDS::DBInstance) is missing Identifier; Resources[1].ExpectMasterUserSecret must be "true" or "false", got nothing; '
        + 'Resources[1].ExpectPerformanceInsights must be "true" or "false", got nothing'],
    ['a DB cluster without identifier and with a flag that is not one', url => cfnEvent('Create', url, properties({ Resources: [{ ...DB_CLUSTER, Identifier: '', ExpectPerformanceInsights: 'yes' }] })),
      'Resources[0] (AWS::RDS::DBCluster) is missing Identifier; Resources[0].ExpectPerformanceInsights must be "true" or "false", got "yes"'],
    ['Resources not a list', url => cfnEvent('Create', url, properties({ Resources: 'schedule' })), 'Resources must be a list'],
    ['TimeoutSeconds not a number', url => cfnEvent('Create', url, properties({ TimeoutSeconds: 'soon' })), 'TimeoutSeconds must be a positive number of seconds, got "soon"'],
    ['no ResourceProperties', url => cfnEvent('Create', url, properties(), { ResourceProperties: undefined }), 'ResourceProperties is missing or not an object'],
    ['no StackId', url => cfnEvent('Create', url, properties(), { StackId: undefined }), 'StackId is missing'],
    ['an unknown RequestType', url => cfnEvent('Replace', url), 'unknown RequestType "Replace"; expected Create, Update or Delete', PREVIOUS_ID],
    ['a malformed Update (keeps its physical id)', url => cfnEvent('Update', url, properties({ KeyArn: undefined, CheckRotation: undefined })),
      'KeyArn is missing; CheckRotation must be "true" or "false", got nothing', PREVIOUS_ID],
  ])('%s: FAILED naming the problem, no AWS call', async (_, event, problem, physicalId = INVALID_ID) => {
    const e = event(endpoint.url);
    const response = await invoke(e);
    const expected = body('FAILED', physicalId, { Reason: `malformed request: ${problem}` });
    if (e.StackId === undefined) delete (expected as Record<string, unknown>).StackId;
    expect(response).toEqual(expected);
    expect(totalCalls()).toBe(0);
  });

  test('an event without ResponseURL cannot be answered: the invocation fails and says why', async () => {
    const event = cfnEvent('Create', endpoint.url, allResources(), { ResponseURL: undefined });
    await expect(verifier()(event, lambdaContext())).rejects.toThrow('ResponseURL is missing');
    expect(endpoint.attempts).toBe(0);
    expect(totalCalls()).toBe(0);
    expect(JSON.parse(logs[0])).toMatchObject({ level: 'ERROR', message: 'the event has no ResponseURL: nobody to answer', logicalResourceId: LOGICAL_ID });
  });

  test('an unexpected exception still answers FAILED', async () => {
    const response = await invoke(cfnEvent('Create', endpoint.url), lambdaContext(), {
      clients: () => {
        throw new TypeError('cannot build clients');
      },
    });
    expect(response).toEqual(body('FAILED', INVALID_ID, { Reason: 'unexpected error during encryption verification: TypeError: cannot build clients' }));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
