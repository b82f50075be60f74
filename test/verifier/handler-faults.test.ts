/**
 * The verifier handler under faults: every AWS error at every step, errors that settle (KMS and IAM eventual
 * consistency), the deadline, the delivery of the response, the AWS clients it builds and what it logs.
 */
import { DescribeArchiveCommand, ResourceNotFoundException as EventsNotFound } from '@aws-sdk/client-eventbridge';
import {
  DecryptCommand,
  DescribeKeyCommand,
  DisabledException,
  GenerateDataKeyCommand,
  GetKeyRotationStatusCommand,
  KMSInternalException,
  KMSInvalidStateException,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { DBClusterNotFoundFault, DBInstanceNotFoundFault, DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { GetScheduleCommand, ResourceNotFoundException as SchedulerNotFound } from '@aws-sdk/client-scheduler';
import { DescribeSecretCommand, ResourceNotFoundException as SecretNotFound } from '@aws-sdk/client-secrets-manager';
import 'aws-sdk-client-mock-jest';
import {
  awsError,
  CIPHERTEXT,
  CONSTRUCT_PATH,
  CONTEXT,
  healthyAccount,
  healthyKey,
  HEALTHY_CLUSTER,
  HEALTHY_DB,
  HEALTHY_KEY,
  KEY_ARN,
  mocks,
  networkError,
  PLAINTEXT_TEXT,
  SCHEDULE,
  SECRET_ARN,
  TAMPERED_CONTEXT,
  totalCalls,
} from './support/aws';
import { cfnEvent, lambdaContext, LOGICAL_ID, properties, STACK_ID } from './support/events';
import {
  allResources,
  body,
  clock,
  clockContext,
  endpoint,
  HEAD,
  invoke,
  LOG_STREAM,
  logs,
  NO_RESOURCES_ID,
  PREVIOUS_ID,
  sleeps,
  useHandlerHarness,
  verifier,
} from './support/handler-harness';
import { FAKE_CREDENTIALS, UnavailableService } from './support/transport';
import {
  createClients,
  SAFETY_MARGIN_MS,
  SETTLE_RESERVE_MS,
} from '../../src/verifier/handler.lambda';

useHandlerHarness();

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
