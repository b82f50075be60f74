import { DescribeArchiveCommand, DescribeConnectionCommand, DescribeEventBusCommand, ResourceNotFoundException as EventsNotFound } from '@aws-sdk/client-eventbridge';
import {
  DecryptCommand,
  DescribeKeyCommand,
  DisabledException,
  GenerateDataKeyCommand,
  GetKeyRotationStatusCommand,
  KMSInternalException,
  KMSInvalidStateException,
  ListResourceTagsCommand,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { DBClusterNotFoundFault, DBInstanceNotFoundFault, DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { GetScheduleCommand, ResourceNotFoundException as SchedulerNotFound } from '@aws-sdk/client-scheduler';
import { DescribeSecretCommand, ResourceNotFoundException as SecretNotFound } from '@aws-sdk/client-secrets-manager';
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
  HEALTHY_CLUSTER,
  HEALTHY_DB,
  HEALTHY_KEY,
  KEY_ARN,
  KEY_ID,
  keyIdentifier,
  mocks,
  networkError,
  OTHER_KEY_ARN,
  PLAINTEXT_TEXT,
  SCHEDULE,
  SECRET_ARN,
  TAMPERED_CONTEXT,
  totalCalls,
  unexpectedCalls,
  resetStrictMocks,
} from './support/aws';
import { CloudFormationEndpoint } from './support/cfn-endpoint';
import { cfnEvent, lambdaContext, LOGICAL_ID, properties, REQUEST_ID, STACK_ID } from './support/events';
import { FAKE_CREDENTIALS, UnavailableService } from './support/transport';
import {
  createClients,
  createHandler,
  handler,
  HandlerOptions,
  LambdaContextLike,
  SAFETY_MARGIN_MS,
  SETTLE_RESERVE_MS,
} from '../../src/verifier/handler.lambda';
import { parseProperties, VerificationRequest } from '../../src/verifier/protocol';
import { failureReason } from '../../src/verifier/reason';
import { bodyBytes } from '../../src/verifier/response';

/** The id the handler gives the verification of ALL_RESOURCES under CONSTRUCT_PATH with KEY_ARN. Pinned: a change replaces the custom resource in users' stacks. */
const ALL_RESOURCES_ID = `encryption-verification:${KEY_ARN}:e6dfde0dc627`;
/** The same for no resources. */
const NO_RESOURCES_ID = `encryption-verification:${KEY_ARN}:0d9e456aa0e3`;
const PREVIOUS_ID = `encryption-verification:${KEY_ARN}:previous`;
const INVALID_ID = 'encryption-verification:invalid-request';
const AWS_MANAGED_RDS_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/aaaabbbb-cccc-dddd-eeee-ffff00001111';
const HEAD = `encryption verification failed for ${CONSTRUCT_PATH} with key ${KEY_ARN}:`;
const LOG_STREAM = ' Details in log stream 2025/01/01/[$LATEST]0123456789abcdef.';
const ALLOWED_TYPES = 'AWS::Scheduler::Schedule, AWS::Events::EventBus, AWS::Events::Archive, AWS::Events::Connection, AWS::RDS::DBInstance, AWS::RDS::DBCluster, '
  + 'AWS::SQS::Queue, AWS::SNS::Topic, AWS::Kinesis::Stream';

let endpoint: CloudFormationEndpoint;
let logs: string[];
let sleeps: number[];
/** The handler's clock: it moves only when the handler sleeps. */
let clock: number;

beforeAll(async () => {
  endpoint = await CloudFormationEndpoint.start();
});
afterAll(async () => {
  await endpoint.close();
});
beforeEach(() => {
  resetStrictMocks();
  endpoint.reset();
  logs = [];
  sleeps = [];
  clock = 1_000_000;
});
afterEach(() => {
  // A call nobody configured fails the test even when the handler turned it into a FAILED response.
  expect(unexpectedCalls).toEqual([]);
});

/** The handler with instant sleeps that move its clock, fixed jitter and captured logs. */
function verifier(options: HandlerOptions = {}) {
  return createHandler({
    sleep: async ms => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    random: () => 0.5,
    log: line => logs.push(line),
    ...options,
  });
}

/** A Lambda context whose remaining time is read on the handler's clock: `remainingMs` at the start of the test. */
function clockContext(remainingMs = 120_000): LambdaContextLike {
  const end = clock + remainingMs;
  return { getRemainingTimeInMillis: () => Math.max(0, end - clock), logStreamName: '2025/01/01/[$LATEST]0123456789abcdef' };
}

/** Invokes the handler, asserts that CloudFormation got exactly one answer, and returns its body. */
async function invoke(event: Record<string, unknown>, context: LambdaContextLike = clockContext(), options: HandlerOptions = {}) {
  await verifier(options)(event, context);
  expect(endpoint.received).toHaveLength(1);
  expect(endpoint.attempts).toBe(1);
  return endpoint.received[0].body;
}

function body(status: 'SUCCESS' | 'FAILED', physicalResourceId: string, fields: Record<string, unknown> = {}) {
  return { Status: status, PhysicalResourceId: physicalResourceId, StackId: STACK_ID, RequestId: REQUEST_ID, LogicalResourceId: LOGICAL_ID, ...fields };
}

function allResources(overrides: Record<string, unknown> = {}) {
  return properties({ Resources: ALL_RESOURCES, ...overrides });
}

/** The request of the default properties, for the pure functions. */
function request(): VerificationRequest {
  const parsed = parseProperties(properties());
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.request;
}

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

describe('fault matrix', () => {
  const throttled = () => awsError('ThrottlingException', 'Rate exceeded');
  interface Fault {
    readonly fault: string;
    readonly setup: () => void;
    readonly status: 'SUCCESS' | 'FAILED';
    /** A fragment of the reason, for FAILED. */
    readonly reason?: string;
    readonly props?: Record<string, unknown>;
    readonly then?: () => void;
  }
  test.each<Fault>([
    {
      fault: 'ThrottlingException twice, then an answer (retried)',
      setup: () => mocks.kms.on(DescribeKeyCommand, { KeyId: KEY_ARN }, true).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({ KeyMetadata: HEALTHY_KEY }),
      status: 'SUCCESS',
      then: () => {
        expect(mocks.kms.commandCalls(DescribeKeyCommand, { KeyId: KEY_ARN })).toHaveLength(3);
        expect(sleeps).toEqual([150, 300]); // exponential backoff with (fixed) jitter
      },
    },
    {
      fault: 'ThrottlingException until the deadline',
      setup: () => mocks.kms.on(DescribeKeyCommand, { KeyId: KEY_ARN }, true).rejects(throttled()),
      props: { TimeoutSeconds: '10' },
      status: 'FAILED',
      reason: `[key] kms:DescribeKey on ${KEY_ARN} failed with ThrottlingException after 7 attempt(s) (Rate exceeded): the service stayed throttled, unavailable or unreachable `
        + 'until the retries or the deadline ran out; retry the deployment or raise TimeoutSeconds',
      then: () => {
        expect(sleeps).toEqual([150, 300, 600, 1200, 2400, 3750]);
        expect(sleeps.reduce((a, b) => a + b)).toBeLessThan(10_000);
      },
    },
    {
      fault: 'TooManyRequestsException from Scheduler once (retried)',
      setup: () => mocks.scheduler.on(GetScheduleCommand, { Name: 'nightly', GroupName: 'jobs' }, true)
        .rejectsOnce(awsError('TooManyRequestsException')).resolves({ KmsKeyArn: KEY_ARN }),
      status: 'SUCCESS',
    },
    {
      fault: 'KMSInternalException on GenerateDataKey once (retried)',
      setup: () => mocks.kms.on(GenerateDataKeyCommand).rejectsOnce(new KMSInternalException({ message: 'internal', $metadata: {} }))
        .callsFake(() => ({ Plaintext: Buffer.from(PLAINTEXT_TEXT), CiphertextBlob: CIPHERTEXT })),
      status: 'SUCCESS',
    },
    {
      fault: 'RequestLimitExceeded and ServiceUnavailable from RDS (retried)',
      setup: () => mocks.rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db' }, true)
        .rejectsOnce(awsError('RequestLimitExceeded')).rejectsOnce(awsError('ServiceUnavailable')).resolves({
          DBInstances: [{
            StorageEncrypted: true, KmsKeyId: KEY_ARN, MasterUserSecret: { KmsKeyId: KEY_ARN }, PerformanceInsightsEnabled: true, PerformanceInsightsKMSKeyId: KEY_ARN,
          }],
        }),
      status: 'SUCCESS',
    },
    {
      fault: 'AccessDeniedException on GenerateDataKey',
      setup: () => mocks.kms.on(GenerateDataKeyCommand).rejects(awsError('AccessDeniedException', 'User is not authorized to perform: kms:GenerateDataKey')),
      status: 'FAILED',
      reason: 'add the key-policy statement (and IAM permission) that lets the verifier role call kms:GenerateDataKey on key '
        + `${KEY_ARN} under encryption context cdk-encrypted-constructs:verification`,
    },
    {
      fault: 'DisabledException (a disabled key)',
      setup: () => {
        healthyKey({ KeyState: 'Disabled', Enabled: false });
        mocks.kms.on(GenerateDataKeyCommand).rejects(new DisabledException({ message: 'key is disabled', $metadata: {} }));
      },
      status: 'FAILED',
      reason: `[round trip] kms:GenerateDataKey on ${KEY_ARN} failed with DisabledException: key ${KEY_ARN} is disabled: enable the key (aws kms enable-key)`,
    },
    {
      fault: 'KMSInvalidStateException (a key pending deletion, not retried)',
      setup: () => {
        healthyKey({ KeyState: 'PendingDeletion', Enabled: false });
        mocks.kms.on(GenerateDataKeyCommand).rejects(new KMSInvalidStateException({ message: 'pending deletion', $metadata: {} }));
      },
      status: 'FAILED',
      reason: `[round trip] kms:GenerateDataKey on ${KEY_ARN} failed with KMSInvalidStateException (pending deletion): key ${KEY_ARN} is not usable in its current state `
        + '(pending deletion?): cancel key deletion (aws kms cancel-key-deletion) and enable the key',
      then: () => expect(mocks.kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 1),
    },
    {
      fault: 'NotFoundException (no such key)',
      setup: () => mocks.kms.on(DescribeKeyCommand, { KeyId: KEY_ARN }, true).rejects(new NotFoundException({ message: 'not found', $metadata: {} })),
      status: 'FAILED',
      reason: `[key] kms:DescribeKey on ${KEY_ARN} still failed with NotFoundException after retrying for 109.7 s: key ${KEY_ARN} does not exist in this account and region: `
        + 'check the key ARN, or whether the key was deleted',
    },
    {
      fault: 'a network error (ECONNRESET) once (retried)',
      setup: () => mocks.secretsManager.on(DescribeSecretCommand, { SecretId: SECRET_ARN }, true).rejectsOnce(networkError()).resolves({ KmsKeyId: KEY_ARN }),
      status: 'SUCCESS',
    },
    {
      fault: 'a network error (ECONNRESET) that persists',
      setup: () => mocks.events.on(DescribeArchiveCommand, { ArchiveName: 'orders-archive' }, true).rejects(networkError()),
      status: 'FAILED',
      reason: '[archive orders-archive] events:DescribeArchive on archive orders-archive failed with ECONNRESET after 10 attempt(s) (read ECONNRESET): '
        + 'the service stayed throttled, unavailable or unreachable until the retries or the deadline ran out: check that the function can reach events '
        + '(NAT gateway or VPC endpoint); retry the deployment or raise TimeoutSeconds',
    },
    {
      fault: 'a malformed event',
      setup: () => undefined,
      props: { KeyArn: 'not-an-arn' },
      status: 'FAILED',
      reason: 'malformed request: KeyArn must be a full key ARN',
      then: () => expect(totalCalls()).toBe(0),
    },
  ])('$fault ends in exactly one $status response', async ({ setup, props, status, reason, then }) => {
    const malformed = props?.KeyArn !== undefined;
    if (!malformed) healthyAccount();
    setup();

    const response = await invoke(cfnEvent('Create', endpoint.url, allResources(props)));

    expect(response.Status).toBe(status);
    if (reason) expect(response.Reason).toContain(reason);
    then?.();
  });
});

describe('errors that settle (KMS and IAM eventual consistency)', () => {
  const keyNotFound = () => new NotFoundException({ message: `Key '${KEY_ARN}' does not exist`, $metadata: {} });

  test('a key whose DescribeKey answers NotFoundException twice and then succeeds passes, after two backoffs', async () => {
    healthyKey();
    mocks.kms.on(DescribeKeyCommand, { KeyId: KEY_ARN }, true).rejectsOnce(keyNotFound()).rejectsOnce(keyNotFound()).resolves({ KeyMetadata: HEALTHY_KEY });

    const response = await invoke(cfnEvent('Create', endpoint.url));

    expect(response.Status).toBe('SUCCESS');
    expect(mocks.kms.commandCalls(DescribeKeyCommand, { KeyId: KEY_ARN })).toHaveLength(3);
    expect(sleeps).toEqual([150, 300]); // exponential backoff with (fixed) jitter
  });

  test('a key that never appears fails before the deadline with the key check\'s reason and fix, saying how long it was retried', async () => {
    healthyKey();
    mocks.kms.on(DescribeKeyCommand, { KeyId: KEY_ARN }, true).rejects(keyNotFound());
    const started = clock;

    const response = await invoke(cfnEvent('Create', endpoint.url), clockContext(120_000));

    expect(response).toEqual(body('FAILED', NO_RESOURCES_ID, {
      Reason: `${HEAD} 1 of 4 checks failed. (1) [key] kms:DescribeKey on ${KEY_ARN} still failed with NotFoundException after retrying for 109.7 s: `
        + `key ${KEY_ARN} does not exist in this account and region: check the key ARN, or whether the key was deleted${LOG_STREAM}`,
    }));
    // 120 s left, 5 s kept to answer CloudFormation, and the window closes 5 s before that deadline.
    expect(clock - started).toBeLessThanOrEqual(120_000 - SAFETY_MARGIN_MS - SETTLE_RESERVE_MS);
    // Bounded by time, not by the 10 attempts of a throttled call.
    const attempts = mocks.kms.commandCalls(DescribeKeyCommand, { KeyId: KEY_ARN }).length;
    expect(attempts).toBe(sleeps.length + 1);
    expect(attempts).toBeGreaterThan(10);
  });

  test('with little time left, a settling error gives up early enough to answer with the check\'s own reason, inside the safety margin', async () => {
    healthyKey();
    mocks.kms.on(DescribeKeyCommand, { KeyId: KEY_ARN }, true).rejects(keyNotFound());
    const started = clock;

    // 10 s left: 5 s kept to answer, 5 s to verify, and the window closes a quarter of that (1.25 s) before the deadline.
    const response = await invoke(cfnEvent('Create', endpoint.url), clockContext(10_000));

    expect(response.Reason).toBe(`${HEAD} 1 of 4 checks failed. (1) [key] kms:DescribeKey on ${KEY_ARN} still failed with NotFoundException after retrying for 2.3 s: `
      + `key ${KEY_ARN} does not exist in this account and region: check the key ARN, or whether the key was deleted${LOG_STREAM}`);
    expect(sleeps).toEqual([150, 300, 600, 1200]);
    expect(clock - started).toBeLessThanOrEqual(10_000 - SAFETY_MARGIN_MS - 1_250);
  });

  test.each<[string, () => void, () => number]>([
    ['AccessDeniedException on kms:GenerateDataKey (the verifier\'s policy not yet visible)', () => {
      mocks.kms.on(GenerateDataKeyCommand, { KeyId: KEY_ARN, KeySpec: 'AES_256', EncryptionContext: CONTEXT }, true).rejectsOnce(awsError('AccessDeniedException', 'not authorized'))
        .callsFake(() => ({ KeyId: KEY_ARN, Plaintext: Buffer.from(PLAINTEXT_TEXT), CiphertextBlob: CIPHERTEXT }));
    }, () => mocks.kms.commandCalls(GenerateDataKeyCommand).length],
    ['AccessDeniedException on kms:Decrypt under the wrong context', () => {
      mocks.kms.on(DecryptCommand, { KeyId: KEY_ARN, CiphertextBlob: CIPHERTEXT, EncryptionContext: TAMPERED_CONTEXT }, true)
        .rejectsOnce(awsError('AccessDeniedException', 'not authorized')).rejects(awsError('InvalidCiphertextException'));
    }, () => mocks.kms.commandCalls(DecryptCommand, { EncryptionContext: TAMPERED_CONTEXT }).length],
    ['KMSInvalidStateException on kms:GenerateDataKey of a key DescribeKey reports Enabled', () => {
      mocks.kms.on(GenerateDataKeyCommand, { KeyId: KEY_ARN, KeySpec: 'AES_256', EncryptionContext: CONTEXT }, true).rejectsOnce(new KMSInvalidStateException({ message: 'invalid state', $metadata: {} }))
        .callsFake(() => ({ KeyId: KEY_ARN, Plaintext: Buffer.from(PLAINTEXT_TEXT), CiphertextBlob: CIPHERTEXT }));
    }, () => mocks.kms.commandCalls(GenerateDataKeyCommand).length],
    ['NotFoundException on kms:DescribeKey of the bus\'s new alias', () => {
      mocks.kms.on(DescribeKeyCommand, { KeyId: 'alias/orders' }, true).rejectsOnce(new NotFoundException({ message: 'Alias alias/orders is not found.', $metadata: {} }))
        .resolves({ KeyMetadata: HEALTHY_KEY });
    }, () => mocks.kms.commandCalls(DescribeKeyCommand, { KeyId: 'alias/orders' }).length],
    ['AccessDeniedException on scheduler:GetSchedule', () => {
      mocks.scheduler.on(GetScheduleCommand, { Name: 'nightly', GroupName: 'jobs' }, true).rejectsOnce(awsError('AccessDeniedException', 'not authorized')).resolves({ KmsKeyArn: KEY_ARN });
    }, () => mocks.scheduler.commandCalls(GetScheduleCommand).length],
    ['ResourceNotFoundException from scheduler:GetSchedule', () => {
      mocks.scheduler.on(GetScheduleCommand, { Name: 'nightly', GroupName: 'jobs' }, true)
        .rejectsOnce(new SchedulerNotFound({ message: 'Schedule nightly does not exist.', Message: 'Schedule nightly does not exist.', $metadata: {} })).resolves({ KmsKeyArn: KEY_ARN });
    }, () => mocks.scheduler.commandCalls(GetScheduleCommand).length],
    ['ResourceNotFoundException from events:DescribeArchive', () => {
      mocks.events.on(DescribeArchiveCommand, { ArchiveName: 'orders-archive' }, true)
        .rejectsOnce(new EventsNotFound({ message: 'Archive orders-archive does not exist.', $metadata: {} })).resolves({ KmsKeyIdentifier: KEY_ARN });
    }, () => mocks.events.commandCalls(DescribeArchiveCommand).length],
    ['ResourceNotFoundException from secretsmanager:DescribeSecret', () => {
      mocks.secretsManager.on(DescribeSecretCommand, { SecretId: SECRET_ARN }, true)
        .rejectsOnce(new SecretNotFound({ message: 'Secrets Manager can\'t find the specified secret.', $metadata: {} })).resolves({ KmsKeyId: KEY_ARN });
    }, () => mocks.secretsManager.commandCalls(DescribeSecretCommand).length],
    ['DBInstanceNotFoundFault from rds:DescribeDBInstances', () => {
      mocks.rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db' }, true)
        .rejectsOnce(new DBInstanceNotFoundFault({ message: 'DBInstance orders-db not found.', $metadata: {} })).resolves({ DBInstances: [HEALTHY_DB] });
    }, () => mocks.rds.commandCalls(DescribeDBInstancesCommand).length],
    ['DBClusterNotFoundFault from rds:DescribeDBClusters', () => {
      mocks.rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders-cluster' }, true)
        .rejectsOnce(new DBClusterNotFoundFault({ message: 'DBCluster orders-cluster not found.', $metadata: {} })).resolves({ DBClusters: [HEALTHY_CLUSTER] });
    }, () => mocks.rds.commandCalls(DescribeDBClustersCommand).length],
    ['AccessDenied (query protocol) from rds:DescribeDBInstances', () => {
      mocks.rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db' }, true)
        .rejectsOnce(awsError('AccessDenied', 'not authorized')).resolves({ DBInstances: [HEALTHY_DB] });
    }, () => mocks.rds.commandCalls(DescribeDBInstancesCommand).length],
  ])('%s that settles is retried and the verification passes', async (_, setup, calls) => {
    healthyAccount();
    setup();

    const response = await invoke(cfnEvent('Create', endpoint.url, allResources()));

    expect(response.Status).toBe('SUCCESS');
    expect(calls()).toBe(2);
    expect(sleeps).toEqual([150]);
  });

  test('an error that does not settle (a ValidationException) is final at once: one call, no backoff', async () => {
    healthyKey();
    mocks.kms.on(DescribeKeyCommand, { KeyId: KEY_ARN }, true).rejects(awsError('ValidationException', '1 validation error detected'));

    const response = await invoke(cfnEvent('Create', endpoint.url));

    expect(response.Reason).toBe(`${HEAD} 1 of 4 checks failed. (1) [key] kms:DescribeKey on ${KEY_ARN} failed with ValidationException (1 validation error detected)${LOG_STREAM}`);
    expect(mocks.kms.commandCalls(DescribeKeyCommand, { KeyId: KEY_ARN })).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test('a check that genuinely fails (rotation off) is answered at its first call, not retried', async () => {
    healthyKey();
    mocks.kms.on(GetKeyRotationStatusCommand, { KeyId: KEY_ARN }, true).resolves({ KeyRotationEnabled: false });

    const response = await invoke(cfnEvent('Create', endpoint.url));

    expect(response.Status).toBe('FAILED');
    expect(mocks.kms).toHaveReceivedCommandTimes(GetKeyRotationStatusCommand, 1);
    expect(sleeps).toEqual([]);
  });

  test('the rejection the context binding expects (InvalidCiphertextException under the wrong context) is taken at its first answer', async () => {
    healthyKey();

    const response = await invoke(cfnEvent('Create', endpoint.url));

    expect(response.Status).toBe('SUCCESS');
    expect(mocks.kms.commandCalls(DecryptCommand, { EncryptionContext: TAMPERED_CONTEXT })).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test('KMSInvalidStateException on a key DescribeKey reports pending deletion is final at once', async () => {
    healthyKey({ KeyState: 'PendingDeletion', Enabled: false });
    mocks.kms.on(GenerateDataKeyCommand).rejects(new KMSInvalidStateException({ message: `${KEY_ARN} is pending deletion.`, $metadata: {} }));

    const response = await invoke(cfnEvent('Create', endpoint.url));

    expect(response.Reason).toContain(`(1) [key] key ${KEY_ARN} is PendingDeletion: cancel key deletion (aws kms cancel-key-deletion), then enable the key`);
    expect(response.Reason).toContain(`[round trip] kms:GenerateDataKey on ${KEY_ARN} failed with KMSInvalidStateException (${KEY_ARN} is pending deletion.)`);
    expect(mocks.kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 1);
    expect(sleeps).toEqual([]);
  });
});

describe('deadline', () => {
  test('a check that never answers ends in FAILED "verification timed out" before the function times out', async () => {
    healthyKey();
    mocks.scheduler.on(GetScheduleCommand, { Name: 'nightly', GroupName: 'jobs' }, true).callsFake(() => new Promise(() => undefined));
    const started = Date.now();

    // 6 s left, 5 s kept to answer: 1 s to verify.
    const response = await invoke(cfnEvent('Create', endpoint.url, properties({ Resources: [SCHEDULE] })), lambdaContext(6_000), { now: Date.now });

    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2_500);
    expect(response).toEqual(body('FAILED', `encryption-verification:${KEY_ARN}:53089a43b948`, {
      Reason: `verification timed out after 1 s for ${CONSTRUCT_PATH} with key ${KEY_ARN}; still running: schedule jobs/nightly. `
        + "Raise TimeoutSeconds or the function timeout, or look in the function's log for a call that hangs",
    }));
  });

  test('TimeoutSeconds bounds the verification below the remaining time', async () => {
    healthyKey();
    mocks.kms.on(GenerateDataKeyCommand).callsFake(() => new Promise(() => undefined));
    const response = await invoke(cfnEvent('Create', endpoint.url, properties({ TimeoutSeconds: '0.2' })), lambdaContext(120_000), { now: Date.now });
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/^verification timed out after 0\.2 s for .*; still running: round trip, context binding\. /);
  });

  test('with less time left than the safety margin, the handler answers at once without calling AWS', async () => {
    const response = await invoke(cfnEvent('Create', endpoint.url), lambdaContext(4_000));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/^verification timed out after 0 s: the function had \d+ ms left, less than the 5 s kept to answer CloudFormation; raise the function timeout$/);
    expect(totalCalls()).toBe(0);
  });
});

describe('response delivery', () => {
  test('the response PUT is retried when the connection drops, and arrives once on the second attempt', async () => {
    endpoint.dropNext = 1;
    await verifier()(cfnEvent('Delete', endpoint.url), lambdaContext());
    expect(endpoint.attempts).toBe(2);
    expect(endpoint.received.map(r => r.body)).toEqual([body('SUCCESS', PREVIOUS_ID)]);
    expect(sleeps).toEqual([100]);
  });

  test('a 5xx answer is retried up to 3 attempts, then the invocation fails so Lambda may retry it', async () => {
    endpoint.status = 503;
    await expect(verifier()(cfnEvent('Delete', endpoint.url), lambdaContext())).rejects.toThrow('ResponseURL answered HTTP 503');
    expect(endpoint.attempts).toBe(3);
    expect(sleeps).toEqual([100, 200]);
    expect(JSON.parse(logs[logs.length - 1])).toEqual({ level: 'ERROR', message: 'could not answer CloudFormation', error: 'ResponseStatusError: ResponseURL answered HTTP 503' });
  });

  test('a 4xx answer (an expired URL) is final', async () => {
    endpoint.status = 403;
    await expect(verifier()(cfnEvent('Delete', endpoint.url), lambdaContext())).rejects.toThrow('ResponseURL answered HTTP 403');
    expect(endpoint.attempts).toBe(1);
  });
});

describe('AWS clients', () => {
  test('every client the handler builds makes one attempt per call, whatever the environment says: its retry loop is the only one', async () => {
    const previous = process.env.AWS_MAX_ATTEMPTS;
    process.env.AWS_MAX_ATTEMPTS = '5';
    try {
      const clients = createClients({ region: 'eu-west-1', credentials: FAKE_CREDENTIALS });
      for (const client of [clients.kms, clients.scheduler, clients.events, clients.secretsManager, clients.rds]) {
        expect(await client.config.maxAttempts()).toBe(1);
      }
    } finally {
      if (previous === undefined) delete process.env.AWS_MAX_ATTEMPTS;
      else process.env.AWS_MAX_ATTEMPTS = previous;
    }
  });

  test('under repeated 503s a real KMS client sends exactly as many requests as the Reason reports attempts', async () => {
    // A real client on a fake transport, which also sees retries inside the SDK. The next resetStrictMocks() mocks KMS again.
    mocks.kms.restore();
    const kms = new UnavailableService();

    const response = await invoke(cfnEvent('Create', endpoint.url, properties({ CheckRotation: 'false' })), clockContext(), {
      clients: () => createClients({ region: 'eu-west-1', credentials: FAKE_CREDENTIALS, requestHandler: kms }),
    });

    const reported = Object.fromEntries([...(response.Reason as string).matchAll(/kms:(\w+) on \S+ failed with \w+ after (\d+) attempt\(s\)/g)]
      .map(([, action, attempts]) => [action, Number(attempts)]));
    expect(reported).toEqual({ DescribeKey: 10, GenerateDataKey: 10 });
    expect(kms.requests).toEqual(reported);
  });
});

describe('logging', () => {
  test('one compact JSON line says what was checked, without the data key or the ResponseURL', async () => {
    healthyAccount();
    await invoke(cfnEvent('Create', endpoint.url, allResources()));

    expect(logs).toHaveLength(1);
    expect(logs[0]).not.toContain('\n');
    const line = JSON.parse(logs[0]);
    expect(line).toEqual({
      level: 'INFO',
      requestType: 'Create',
      stackId: STACK_ID,
      logicalResourceId: LOGICAL_ID,
      keyArn: KEY_ARN,
      context: CONSTRUCT_PATH,
      resources: ['schedule jobs/nightly', 'event bus orders', 'archive orders-archive', 'connection partner-api', 'DB instance orders-db', 'DB cluster orders-cluster'],
      checks: ['PASS key', 'PASS key rotation', 'PASS round trip', 'PASS context binding', 'PASS schedule jobs/nightly', 'PASS event bus orders',
        'PASS archive orders-archive', 'PASS connection partner-api', 'PASS DB instance orders-db', 'PASS DB cluster orders-cluster'],
      status: 'SUCCESS',
      durationMs: expect.any(Number),
    });
    const secret = Buffer.from(PLAINTEXT_TEXT);
    for (const form of [PLAINTEXT_TEXT, secret.toString('base64'), secret.toString('hex'), 'X-Amz-Signature']) {
      expect(logs[0]).not.toContain(form);
      expect(endpoint.received[0].rawBody).not.toContain(form);
    }
  });

  test('a failure is logged at ERROR level with its reason', async () => {
    healthyKey({ KeyState: 'Disabled' });
    await invoke(cfnEvent('Create', endpoint.url));
    expect(JSON.parse(logs[0])).toMatchObject({ level: 'ERROR', status: 'FAILED', checks: ['FAIL key', 'PASS key rotation', 'PASS round trip', 'PASS context binding'] });
    expect(JSON.parse(logs[0]).reason).toContain('is Disabled: enable the key');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
