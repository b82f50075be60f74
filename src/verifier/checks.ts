/*
 * The verifier's checks: small functions over AWS SDK v3 clients they receive as parameters. None builds a client.
 *
 * Bundled into the verifier Lambda: import only @aws-sdk/* (provided by the Lambda runtime, external to the bundle)
 * and node built-ins here.
 */
import { timingSafeEqual } from 'node:crypto';
/* eslint-disable import/no-extraneous-dependencies -- the AWS SDK v3 is provided by the Lambda runtime and kept out of the bundle */
import { DescribeArchiveCommand, DescribeConnectionCommand, DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DecryptCommand, DescribeKeyCommand, GenerateDataKeyCommand, GetKeyRotationStatusCommand, KMSClient, ListResourceTagsCommand, Tag } from '@aws-sdk/client-kms';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
/* eslint-enable import/no-extraneous-dependencies */
import { describeResource, ResourceToVerify, VERIFICATION_CONTEXT_KEY, VerificationRequest } from './protocol';

/** The clients the checks use. Only the ones a request needs are touched (the handler builds them lazily). */
export interface VerifierClients {
  readonly kms: KMSClient;
  readonly scheduler: SchedulerClient;
  readonly events: EventBridgeClient;
  readonly secretsManager: SecretsManagerClient;
  readonly rds: RDSClient;
}

/** One thing a check found wrong, and what to do about it. */
export interface Problem {
  /** What is wrong, naming the key and the resource. */
  readonly what: string;
  /** The fix, when there is one. */
  readonly fix?: string;
}

/** The result of one check. */
export interface CheckOutcome {
  /** What was checked, e.g. `key`, `round trip`, `schedule default/nightly`. */
  readonly name: string;
  readonly passed: boolean;
  /**
   * On success a few words for the report; on failure every problem found, each followed by its fix
   * (`<what>: <fix>; <what>: <fix>`). Never shortened: the handler logs it whole and fits it into the Reason.
   */
  readonly detail: string;
  /** On failure, the problems `detail` is made of, so that a shortened Reason can keep every fix whole. */
  readonly problems?: readonly Problem[];
}

// ---------------------------------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------------------------------

/** How AWS calls are retried: exponential backoff with jitter, never past the deadline. */
export interface RetryPolicy {
  /** Epoch milliseconds (as `now` counts them) after which no new attempt starts. */
  readonly deadline: number;
  /**
   * Epoch milliseconds (as `now` counts them) until which errors that settle ({@link isSettling}) are retried; no
   * later than `deadline`, and early enough that the last attempt answers before it.
   *
   * @default - settling errors are final, like every error that is not transient
   */
  readonly settleUntil?: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter. */
  readonly random: () => number;
  /** Aborted when the handler gives up: in-flight calls are cancelled and no new attempt starts. */
  readonly signal?: AbortSignal;
  /** @default 10 */
  readonly maxAttempts?: number;
  /** @default 200 */
  readonly baseDelayMs?: number;
  /** @default 5000 */
  readonly maxDelayMs?: number;
  /**
   * Attempts after which a settling error is final even before `settleUntil`: a guard against a clock that does not
   * move. With real time the window closes first (60 backoffs of at least 2.5 s outlast any Lambda budget).
   *
   * @default 60
   */
  readonly maxSettlingAttempts?: number;
}

const TRANSIENT_ERROR_NAMES = new Set([
  'ThrottlingException', 'Throttling', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded',
  'ServiceUnavailable', 'ServiceUnavailableException', 'InternalFailure', 'InternalServerException',
  'InternalServiceError', 'InternalException', 'InternalServerError', 'KMSInternalException',
  'DependencyTimeoutException', 'KeyUnavailableException', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError',
]);

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH',
  'EHOSTUNREACH',
]);

/**
 * Errors that a call may meet for a while after the key, the resource or the verifier's own policy was created or
 * changed, until AWS has settled (eventual consistency); the verifier runs seconds after all three.
 *
 * - KMS: "you might get unexpected errors, such as a NotFoundException or an InvalidStateException ... we recommend
 *   that you configure a retry strategy"
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/accessing-kms.html#programming-eventual-consistency).
 *   KMSInvalidStateException settles only on a key that DescribeKey reports Enabled (see `maySettle`).
 * - IAM: a new or changed policy (the verifier's own, attached just before it runs) is not visible everywhere at once
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency):
 *   AccessDeniedException (KMS, Scheduler, EventBridge, Secrets Manager) and AccessDenied (RDS, query protocol).
 * - A resource created just before: ResourceNotFoundException from Scheduler GetSchedule
 *   (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_GetSchedule.html), EventBridge DescribeEventBus,
 *   DescribeArchive and DescribeConnection (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeConnection.html)
 *   and Secrets Manager DescribeSecret (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html);
 *   DBInstanceNotFound (SDK name DBInstanceNotFoundFault) from RDS DescribeDBInstances
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html).
 *
 * InvalidCiphertextException is NOT here: it is the answer the context-binding check expects.
 */
const SETTLING_ERROR_NAMES = new Set([
  'NotFoundException', 'KMSInvalidStateException',
  'AccessDeniedException', 'AccessDenied',
  'ResourceNotFoundException', 'DBInstanceNotFound', 'DBInstanceNotFoundFault',
]);

/** True for the errors AWS answers until a change has settled (see SETTLING_ERROR_NAMES); every other error is final. */
export function isSettling(error: unknown): boolean {
  return error instanceof Error && SETTLING_ERROR_NAMES.has(errorName(error));
}

/** True for throttling, service-side and network errors that a later attempt may not meet. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (e.name === 'AbortError') return false;
  if (TRANSIENT_ERROR_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** An AWS call that failed for good: names the action, its target and how many attempts were made. */
export class AwsCallError extends Error {
  constructor(
    /** `service:Action`, e.g. `kms:GenerateDataKey`. */
    readonly action: string,
    /** What the call was about, e.g. the key ARN or `schedule default/nightly`. */
    readonly target: string,
    /** The last error the call raised. */
    readonly failure: unknown,
    readonly attempts: number,
    /** True when the last error was transient (the retries ran out or the deadline came). */
    readonly transient: boolean,
    /** How long the call kept failing with errors that settle before it gave up (0: it did not retry them). */
    readonly settlingMs = 0,
  ) {
    super(`${action} on ${target} failed after ${attempts} attempt(s): ${errorName(failure)}: ${errorMessage(failure)}`);
    this.name = 'AwsCallError';
  }
}

/**
 * Runs `send` until it succeeds or gives up, with exponential backoff and jitter between attempts. A transient error
 * is retried up to `maxAttempts` while the next attempt starts before the deadline; an error that settles (and that
 * `settles` confirms) while the next attempt starts before `settleUntil`; any other error is final at once. Failures
 * are raised as {@link AwsCallError}.
 */
export async function callWithRetry<T>(
  action: string,
  target: string,
  send: (signal?: AbortSignal) => Promise<T>,
  policy: RetryPolicy,
  settles: (error: unknown) => boolean | Promise<boolean> = isSettling,
): Promise<T> {
  const maxAttempts = policy.maxAttempts ?? 10;
  const maxSettlingAttempts = policy.maxSettlingAttempts ?? 60;
  const base = policy.baseDelayMs ?? 200;
  const cap = policy.maxDelayMs ?? 5000;
  const started = policy.now();
  for (let attempt = 1; ; attempt++) {
    if (policy.signal?.aborted) {
      throw new AwsCallError(action, target, Object.assign(new Error('verification deadline reached'), { name: 'AbortError' }), attempt - 1, true);
    }
    try {
      return await send(policy.signal);
    } catch (error) {
      const transient = isTransient(error);
      const settling = !transient && policy.settleUntil !== undefined && await settles(error);
      const giveUp = () => new AwsCallError(action, target, error, attempt, transient, settling && attempt > 1 ? policy.now() - started : 0);
      if (!transient && !settling) throw giveUp();
      if (attempt >= (settling ? maxSettlingAttempts : maxAttempts)) throw giveUp();
      const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
      const delay = Math.round(ceiling / 2 + policy.random() * ceiling / 2);
      const until = settling ? Math.min(policy.settleUntil!, policy.deadline) : policy.deadline;
      if (policy.now() + delay >= until) throw giveUp();
      await policy.sleep(delay);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Session: the clients, the request and the per-invocation caches
// ---------------------------------------------------------------------------------------------------------------------

/** What every check receives: the clients, the request, the retry policy and the caches of one invocation. */
export interface VerificationSession {
  readonly clients: VerifierClients;
  readonly request: VerificationRequest;
  readonly retry: RetryPolicy;
  /** Promises by cache key, so concurrent checks share one call. */
  readonly cache: Map<string, Promise<unknown>>;
}

/** Creates the session of one invocation. */
export function createSession(clients: VerifierClients, request: VerificationRequest, retry: RetryPolicy): VerificationSession {
  return { clients, request, retry, cache: new Map() };
}

function call<T>(
  session: VerificationSession,
  action: string,
  target: string,
  send: (signal?: AbortSignal) => Promise<T>,
  settles: (error: unknown) => boolean | Promise<boolean> = error => maySettle(session, error),
): Promise<T> {
  return callWithRetry(action, target, send, session.retry, settles);
}

/**
 * Whether an error may still settle. KMSInvalidStateException does only when DescribeKey reports the key Enabled
 * (KMS has not caught up with a key just created or enabled); on a key pending deletion or import, disabled or in a
 * disconnected key store it is the answer, and the key check already names the state and its fix
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html).
 */
async function maySettle(session: VerificationSession, error: unknown): Promise<boolean> {
  if (!isSettling(error)) return false;
  if (errorName(error) !== 'KMSInvalidStateException') return true;
  const state = await describeKey(session, session.request.keyArn).then(out => out.KeyMetadata?.KeyState, () => undefined);
  return state === 'Enabled';
}

function memo<T>(session: VerificationSession, key: string, compute: () => Promise<T>): Promise<T> {
  let promise = session.cache.get(key) as Promise<T> | undefined;
  if (!promise) {
    promise = compute();
    session.cache.set(key, promise);
  }
  return promise;
}

// ---------------------------------------------------------------------------------------------------------------------
// Running all checks
// ---------------------------------------------------------------------------------------------------------------------

/**
 * Runs every check of a Create or Update request, independent ones in parallel, and returns their outcomes in a
 * stable order: key, key rotation (if asked), round trip, context binding, then the resources in request order.
 * `pending` (optional) holds the names of the checks still running, for the timeout message.
 */
export async function runChecks(session: VerificationSession, pending: Set<string> = new Set()): Promise<CheckOutcome[]> {
  const track = <T>(names: string[], promise: Promise<T>): Promise<T> => {
    names.forEach(n => pending.add(n));
    return promise.finally(() => names.forEach(n => pending.delete(n)));
  };
  const { request } = session;
  const key = track(['key'], checkKey(session));
  const rotation = request.checkRotation ? track(['key rotation'], checkKeyRotation(session)) : undefined;
  const roundTrip = track(['round trip', 'context binding'], checkRoundTrip(session));
  const resources = request.resources.map(r => track([describeResource(r)], checkResource(session, r)));
  const [k, rot, rt, ...res] = await Promise.all([key, rotation, roundTrip, ...resources]);
  return [k, ...(rot ? [rot] : []), rt.roundTrip, rt.contextBinding, ...res];
}

// ---------------------------------------------------------------------------------------------------------------------
// Key checks
// ---------------------------------------------------------------------------------------------------------------------

/** DescribeKey: the key is enabled, customer managed, symmetric and for encryption. */
export async function checkKey(session: VerificationSession): Promise<CheckOutcome> {
  const name = 'key';
  const { keyArn } = session.request;
  return guard(session, name, async () => {
    const metadata = (await describeKey(session, keyArn)).KeyMetadata;
    if (!metadata) return fail(name, { what: `DescribeKey returned no metadata for key ${keyArn}` });
    const problems: Problem[] = [];
    if (metadata.KeyState !== 'Enabled') problems.push({ what: `key ${keyArn} is ${metadata.KeyState}`, fix: fixForKeyState(metadata.KeyState) });
    if (metadata.KeyManager !== 'CUSTOMER') {
      problems.push({ what: `key ${keyArn} is managed by ${metadata.KeyManager}, not the customer`, fix: 'pass a customer managed key' });
    }
    if (metadata.KeySpec !== 'SYMMETRIC_DEFAULT') {
      problems.push({ what: `key ${keyArn} has key spec ${metadata.KeySpec}`, fix: 'the services need a symmetric encryption key (SYMMETRIC_DEFAULT)' });
    }
    if (metadata.KeyUsage !== 'ENCRYPT_DECRYPT') {
      problems.push({ what: `key ${keyArn} has key usage ${metadata.KeyUsage}`, fix: 'the services need ENCRYPT_DECRYPT' });
    }
    if (problems.length > 0) return fail(name, ...problems);
    return pass(name, 'enabled, customer managed, SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT');
  });
}

/** GetKeyRotationStatus: automatic rotation is on. */
export async function checkKeyRotation(session: VerificationSession): Promise<CheckOutcome> {
  const name = 'key rotation';
  const { keyArn } = session.request;
  return guard(session, name, async () => {
    const status = await call(session, 'kms:GetKeyRotationStatus', keyArn, signal =>
      session.clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }), { abortSignal: signal }));
    if (status.KeyRotationEnabled !== true) {
      return fail(name, { what: `automatic rotation is off for key ${keyArn}`, fix: 'enable key rotation (enableKeyRotation: true, or aws kms enable-key-rotation)' });
    }
    return pass(name, 'enabled');
  });
}

/**
 * The round trip and the context binding: a data key generated under the verification context decrypts to the same
 * bytes under that context, and the same ciphertext is rejected (InvalidCiphertextException) under another context.
 */
export async function checkRoundTrip(session: VerificationSession): Promise<{ roundTrip: CheckOutcome; contextBinding: CheckOutcome }> {
  const { keyArn, context, contextValue } = session.request;
  const kms = session.clients.kms;
  let generated: { plaintext: Uint8Array; ciphertext: Uint8Array };
  try {
    const out = await call(session, 'kms:GenerateDataKey', keyArn, signal =>
      kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: { ...context } }), { abortSignal: signal }));
    if (!out.Plaintext || !out.CiphertextBlob) {
      throw new Error('GenerateDataKey returned no Plaintext or CiphertextBlob');
    }
    generated = { plaintext: out.Plaintext, ciphertext: out.CiphertextBlob };
  } catch (error) {
    const roundTrip = fail('round trip', explain(session, 'round trip', error));
    return { roundTrip, contextBinding: fail('context binding', { what: 'not tested: the round trip produced no ciphertext' }) };
  }

  const tampered = { [VERIFICATION_CONTEXT_KEY]: `${contextValue}:tampered` };
  const [roundTrip, contextBinding] = await Promise.all([
    guard(session, 'round trip', async () => {
      const out = await call(session, 'kms:Decrypt', keyArn, signal =>
        kms.send(new DecryptCommand({ CiphertextBlob: generated.ciphertext, EncryptionContext: { ...context }, KeyId: keyArn }), { abortSignal: signal }));
      const same = out.Plaintext !== undefined && sameBytes(out.Plaintext, generated.plaintext);
      out.Plaintext?.fill(0);
      if (!same) {
        return fail('round trip', {
          what: `the data key generated with key ${keyArn} did not decrypt to the same bytes`,
          fix: 'the key or an intermediary is not behaving as KMS should; do not use this key',
        });
      }
      return pass('round trip', 'data key decrypted to the same bytes');
    }),
    (async (): Promise<CheckOutcome> => {
      try {
        const out = await call(session, 'kms:Decrypt', keyArn, signal =>
          kms.send(new DecryptCommand({ CiphertextBlob: generated.ciphertext, EncryptionContext: tampered, KeyId: keyArn }), { abortSignal: signal }));
        out.Plaintext?.fill(0);
        return fail('context binding', {
          what: `the key accepted a wrong encryption context (${VERIFICATION_CONTEXT_KEY}=${contextValue}:tampered) for key ${keyArn}`,
          fix: 'the ciphertext is not bound to its context; do not use this key',
        });
      } catch (error) {
        if (error instanceof AwsCallError && errorName(error.failure) === 'InvalidCiphertextException') {
          return pass('context binding', 'wrong context rejected');
        }
        const problem = explain(session, 'context binding', error);
        return fail('context binding', { ...problem, what: `decrypting with a wrong context did not fail with InvalidCiphertextException: ${problem.what}` });
      }
    })(),
  ]);
  generated.plaintext.fill(0);
  return { roundTrip, contextBinding };
}

// ---------------------------------------------------------------------------------------------------------------------
// Resource binding checks
// ---------------------------------------------------------------------------------------------------------------------

/** Checks that one resource really names the key. */
export async function checkResource(session: VerificationSession, resource: ResourceToVerify): Promise<CheckOutcome> {
  switch (resource.Type) {
    case 'AWS::Scheduler::Schedule':
      return checkSchedule(session, resource.Name, resource.GroupName);
    case 'AWS::Events::EventBus':
      return checkEventBus(session, resource.Name);
    case 'AWS::Events::Archive':
      return checkArchive(session, resource.Name);
    case 'AWS::Events::Connection':
      return checkConnection(session, resource.Name);
    case 'AWS::RDS::DBInstance':
      return checkDbInstance(session, resource.Identifier, resource.ExpectMasterUserSecret === 'true', resource.ExpectPerformanceInsights === 'true');
  }
}

/** scheduler:GetSchedule: `KmsKeyArn` names the key. */
export async function checkSchedule(session: VerificationSession, scheduleName: string, groupName: string): Promise<CheckOutcome> {
  const name = `schedule ${groupName}/${scheduleName}`;
  return guard(session, name, async () => {
    const out = await call(session, 'scheduler:GetSchedule', name, signal =>
      session.clients.scheduler.send(new GetScheduleCommand({ Name: scheduleName, GroupName: groupName }), { abortSignal: signal }));
    return binding(name, [await compareKey(session, `the ${name}`, out.KmsKeyArn, 'set the schedule\'s KmsKeyArn to the key ARN')]);
  });
}

/** events:DescribeEventBus: `KmsKeyIdentifier` names the key. */
export async function checkEventBus(session: VerificationSession, busName: string): Promise<CheckOutcome> {
  const name = `event bus ${busName}`;
  return guard(session, name, async () => {
    const out = await call(session, 'events:DescribeEventBus', name, signal =>
      session.clients.events.send(new DescribeEventBusCommand({ Name: busName }), { abortSignal: signal }));
    return binding(name, [await compareKey(session, `the ${name}`, out.KmsKeyIdentifier, 'set the event bus\'s KmsKeyIdentifier to the key')]);
  });
}

/** events:DescribeArchive: `KmsKeyIdentifier` names the key. */
export async function checkArchive(session: VerificationSession, archiveName: string): Promise<CheckOutcome> {
  const name = `archive ${archiveName}`;
  return guard(session, name, async () => {
    const out = await call(session, 'events:DescribeArchive', name, signal =>
      session.clients.events.send(new DescribeArchiveCommand({ ArchiveName: archiveName }), { abortSignal: signal }));
    return binding(name, [await compareKey(session, `the ${name}`, out.KmsKeyIdentifier, 'set the archive\'s KmsKeyIdentifier to the key (EventBus.archive() drops the key: build events.Archive)')]);
  });
}

/**
 * events:DescribeConnection: `KmsKeyIdentifier` names the key; secretsmanager:DescribeSecret: the connection's secret
 * is encrypted with the key; kms:ListResourceTags: the key carries `EventBridgeApiDestinations=true`.
 */
export async function checkConnection(session: VerificationSession, connectionName: string): Promise<CheckOutcome> {
  const name = `connection ${connectionName}`;
  return guard(session, name, async () => {
    const connection = await call(session, 'events:DescribeConnection', name, signal =>
      session.clients.events.send(new DescribeConnectionCommand({ Name: connectionName }), { abortSignal: signal }));
    const [connectionKey, secretKey, tagged] = await Promise.all([
      compareKey(session, `the ${name}`, connection.KmsKeyIdentifier, 'set the connection\'s KmsKeyIdentifier to the key'),
      (async (): Promise<Problem | undefined> => {
        const secretArn = connection.SecretArn;
        if (!secretArn) {
          return { what: `the ${name} has no secret (DescribeConnection returned no SecretArn)`, fix: 're-create the connection with its authorization parameters' };
        }
        const secret = await call(session, 'secretsmanager:DescribeSecret', `secret ${secretArn}`, signal =>
          session.clients.secretsManager.send(new DescribeSecretCommand({ SecretId: secretArn }), { abortSignal: signal }));
        return compareKey(session, `the ${name}'s secret ${secretArn}`, secret.KmsKeyId,
          'update the connection with KmsKeyIdentifier set to the key so EventBridge re-encrypts its secret');
      })(),
      hasApiDestinationsTag(session),
    ]);
    const tagProblem = tagged ? undefined : {
      what: `key ${session.request.keyArn} lacks the tag EventBridgeApiDestinations=true, without which EventBridge cannot use it for the ${name}`,
      fix: 'tag the key',
    };
    return binding(name, [connectionKey, secretKey, tagProblem]);
  });
}

/** kms:ListResourceTags (all pages, once per invocation): the key carries `EventBridgeApiDestinations=true`. */
export function hasApiDestinationsTag(session: VerificationSession): Promise<boolean> {
  const { keyArn } = session.request;
  return memo(session, `tags:${keyArn}`, async () => {
    const tags: Tag[] = [];
    let marker: string | undefined;
    do {
      const out = await call(session, 'kms:ListResourceTags', keyArn, signal =>
        session.clients.kms.send(new ListResourceTagsCommand({ KeyId: keyArn, ...(marker ? { Marker: marker } : {}) }), { abortSignal: signal }));
      tags.push(...(out.Tags ?? []));
      marker = out.Truncated ? out.NextMarker : undefined;
    } while (marker);
    return tags.some(t => t.TagKey === 'EventBridgeApiDestinations' && t.TagValue === 'true');
  });
}

/**
 * rds:DescribeDBInstances: storage encrypted with the key and, when expected, the master user secret and Performance
 * Insights too.
 */
export async function checkDbInstance(
  session: VerificationSession,
  identifier: string,
  expectMasterUserSecret: boolean,
  expectPerformanceInsights: boolean,
): Promise<CheckOutcome> {
  const name = `DB instance ${identifier}`;
  return guard(session, name, async () => {
    const out = await call(session, 'rds:DescribeDBInstances', name, signal =>
      session.clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }), { abortSignal: signal }));
    const instance = out.DBInstances?.[0];
    if (!instance) {
      return fail(name, { what: `the ${name} was not found (DescribeDBInstances returned none)`, fix: 'make the verification depend on the instance' });
    }
    const problems: Array<Promise<Problem | undefined> | Problem | undefined> = [];
    if (instance.StorageEncrypted !== true) {
      problems.push({
        what: `the ${name} has unencrypted storage`,
        fix: 'set StorageEncrypted true and KmsKeyId to the key (storage encryption needs a new instance)',
      });
    } else {
      problems.push(compareKey(session, `the ${name}'s storage`, instance.KmsKeyId, 'set KmsKeyId to the key (changing it replaces the instance)'));
    }
    if (expectMasterUserSecret) {
      const secret = instance.MasterUserSecret;
      problems.push(secret
        ? compareKey(session, `the ${name}'s master user secret`, secret.KmsKeyId, 'set MasterUserSecret.KmsKeyId to the key')
        : { what: `the ${name} has no RDS-managed master user secret`, fix: 'set ManageMasterUserPassword true and MasterUserSecret.KmsKeyId to the key' });
    }
    if (expectPerformanceInsights) {
      problems.push(instance.PerformanceInsightsEnabled
        ? compareKey(session, `the ${name}'s Performance Insights`, instance.PerformanceInsightsKMSKeyId, 'set PerformanceInsightsKMSKeyId to the key')
        : { what: `the ${name} has Performance Insights off`, fix: 'enable it with PerformanceInsightsKMSKeyId set to the key' });
    }
    return binding(name, await Promise.all(problems));
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Key identifiers
// ---------------------------------------------------------------------------------------------------------------------

const KEY_ARN = /^arn:[^:]+:kms:[^:]*:\d{12}:key\//;

/**
 * Compares the key identifier a resource returned with the expected key. Returns undefined when it names the key, or
 * the problem with `fix` as its fix. Identifiers that are not the key ARN itself (key id, alias name, alias ARN) are resolved to
 * a key ARN with DescribeKey, once per identifier and invocation. A different key ARN is a mismatch without a call (key
 * ARNs are canonical; the verifier role may not describe other keys). A missing identifier means an AWS owned key.
 */
export async function compareKey(session: VerificationSession, what: string, identifier: string | undefined, fix: string): Promise<Problem | undefined> {
  const { keyArn } = session.request;
  if (identifier === undefined || identifier === '') {
    return { what: `${what} names no key, so it is encrypted with an AWS owned key, expected ${keyArn}`, fix };
  }
  if (identifier === keyArn) return undefined;
  if (KEY_ARN.test(identifier)) return { what: `${what} names key ${identifier}, expected ${keyArn}`, fix };
  let resolved: string | undefined;
  try {
    resolved = await resolveKeyArn(session, identifier);
  } catch (error) {
    const cause = error instanceof AwsCallError ? failureName(error) : errorName(error);
    return { what: `${what} names key ${identifier}, which the verifier could not resolve (${cause}), expected ${keyArn}`, fix };
  }
  if (resolved === keyArn) return undefined;
  return { what: `${what} names key ${identifier} (${resolved ?? 'unknown'}), expected ${keyArn}`, fix };
}

/** kms:DescribeKey on an identifier, cached per invocation. */
export function resolveKeyArn(session: VerificationSession, identifier: string): Promise<string | undefined> {
  return describeKey(session, identifier).then(out => out.KeyMetadata?.Arn);
}

function describeKey(session: VerificationSession, keyId: string) {
  // isSettling, not maySettle: maySettle waits for this very call.
  return memo(session, `describe-key:${keyId}`, () => call(session, 'kms:DescribeKey', keyId, signal =>
    session.clients.kms.send(new DescribeKeyCommand({ KeyId: keyId }), { abortSignal: signal }), isSettling));
}

// ---------------------------------------------------------------------------------------------------------------------
// Outcomes and messages
// ---------------------------------------------------------------------------------------------------------------------

function pass(name: string, detail: string): CheckOutcome {
  return { name, passed: true, detail };
}

function fail(name: string, ...problems: Problem[]): CheckOutcome {
  return { name, passed: false, detail: problems.map(describeProblem).join('; '), problems };
}

/** A problem as one clause: `<what>: <fix>`, or `<what>` when it has no fix. */
export function describeProblem(problem: Problem): string {
  return problem.fix === undefined ? problem.what : `${problem.what}: ${problem.fix}`;
}

function binding(name: string, problems: ReadonlyArray<Problem | undefined>): CheckOutcome {
  const found = problems.filter((p): p is Problem => p !== undefined);
  return found.length > 0 ? fail(name, ...found) : pass(name, 'bound to the key');
}

async function guard(session: VerificationSession, name: string, check: () => Promise<CheckOutcome>): Promise<CheckOutcome> {
  try {
    return await check();
  } catch (error) {
    return fail(name, explain(session, name, error));
  }
}

/** Turns a failed call into a problem that names the action, the resource and the key, with the likely fix. */
export function explain(session: VerificationSession, check: string, error: unknown): Problem {
  const { keyArn } = session.request;
  if (!(error instanceof AwsCallError)) return { what: `unexpected error in the ${check} check: ${errorName(error)}: ${errorMessage(error)}` };
  const name = errorName(error.failure);
  const message = errorMessage(error.failure);
  const head = `${error.action} on ${error.target} ${error.settlingMs > 0 ? 'still ' : ''}failed with ${failureName(error)}`;
  if (name === 'AbortError') return { what: `${error.action} on ${error.target} was still running at the deadline` };
  if (error.transient) {
    const code = (error.failure as { code?: unknown } | undefined)?.code;
    const network = typeof code === 'string' && NETWORK_ERROR_CODES.has(code)
      ? `: check that the function can reach ${error.action.split(':')[0]} (NAT gateway or VPC endpoint)` : '';
    return {
      what: `${head} after ${error.attempts} attempt(s) (${message})`,
      fix: `the service stayed throttled, unavailable or unreachable until the retries or the deadline ran out${network}; retry the deployment or raise TimeoutSeconds`,
    };
  }
  const service = error.action.split(':')[0];
  switch (name) {
    case 'AccessDeniedException':
    case 'AccessDenied':
    case 'AccessDeniedFault':
    case 'UnauthorizedOperation':
    case 'UnauthorizedException':
      if (error.action === 'kms:GenerateDataKey' || error.action === 'kms:Decrypt') {
        return {
          what: `${head} (${message})`,
          fix: `add the key-policy statement (and IAM permission) that lets the verifier role call ${error.action} on key ${keyArn} under encryption context ${VERIFICATION_CONTEXT_KEY}`,
        };
      }
      if (service === 'kms') {
        return { what: `${head} (${message})`, fix: `let the verifier role call ${error.action} on key ${keyArn} (key policy and IAM policy)` };
      }
      return { what: `${head} (${message})`, fix: `let the verifier role call ${error.action} on the ${error.target}` };
    case 'DisabledException':
      return { what: `${head}: key ${keyArn} is disabled`, fix: 'enable the key (aws kms enable-key)' };
    case 'KMSInvalidStateException':
      return {
        what: `${head} (${message}): key ${keyArn} is not usable in its current state (pending deletion?)`,
        fix: 'cancel key deletion (aws kms cancel-key-deletion) and enable the key',
      };
    case 'NotFoundException':
      if (service === 'kms') {
        return { what: `${head}: key ${error.target} does not exist in this account and region`, fix: 'check the key ARN, or whether the key was deleted' };
      }
      return { what: `${head}: the ${error.target} does not exist`, fix: 'create it before the verification runs (the verification must depend on it)' };
    case 'ResourceNotFoundException':
    case 'DBInstanceNotFound':
    case 'DBInstanceNotFoundFault':
      return {
        what: `${head}: the ${error.target} does not exist in this account and region`,
        fix: 'create it before the verification runs (the verification must depend on it)',
      };
    case 'InvalidCiphertextException':
      return { what: `${head}: key ${keyArn} rejected its own ciphertext under the same encryption context`, fix: 'do not use this key' };
    case 'IncorrectKeyException':
      return { what: `${head}: the ciphertext was not produced by key ${keyArn}`, fix: 'do not use this key' };
    case 'InvalidKeyUsageException':
      return { what: `${head}: key ${keyArn} cannot encrypt and decrypt`, fix: 'use a symmetric encryption key with key usage ENCRYPT_DECRYPT' };
    case 'KeyUnavailableException':
      return { what: `${head}: key ${keyArn} is unavailable (custom key store disconnected?)`, fix: 'reconnect the key store' };
    default:
      return { what: `${head} (${message})` };
  }
}

/** The error's name, then `after retrying for N s` when it was an error that settles and was retried (see {@link isSettling}). */
function failureName(error: AwsCallError): string {
  const name = errorName(error.failure);
  return error.settlingMs > 0 ? `${name} after retrying for ${String(Number((error.settlingMs / 1000).toFixed(1)))} s` : name;
}

function fixForKeyState(state: string | undefined): string {
  switch (state) {
    case 'Disabled':
      return 'enable the key (aws kms enable-key)';
    case 'PendingDeletion':
    case 'PendingReplicaDeletion':
      return 'cancel key deletion (aws kms cancel-key-deletion), then enable the key';
    case 'PendingImport':
      return 'import the key material';
    case 'Unavailable':
      return 'reconnect its custom key store';
    default:
      return 'wait until the key is Enabled';
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The error's name (`ThrottlingException`, ...), or its type for non-errors. */
export function errorName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as Error & { code?: unknown }).code;
  return error.name === 'Error' && typeof code === 'string' ? code : error.name;
}

/** The error's message, on one line. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim();
}

/** Cuts `text` to at most `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
