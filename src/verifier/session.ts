/*
 * The session of one verification: the AWS clients, the request, the retry policy and the per-invocation caches, and
 * the one way the checks call AWS through them.
 *
 * Bundled into the verifier Lambda: import only @aws-sdk/* (provided by the Lambda runtime, external to the bundle)
 * and node built-ins here.
 */
/* eslint-disable import/no-extraneous-dependencies -- the AWS SDK v3 is provided by the Lambda runtime and kept out of the bundle */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
/* eslint-enable import/no-extraneous-dependencies */
import { VerificationRequest } from './protocol';
import { callWithRetry, errorName, isSettling, RetryPolicy } from './retry';

/** The clients the checks use. Only the ones a request needs are touched (the handler builds them lazily). */
export interface VerifierClients {
  readonly kms: KMSClient;
  readonly scheduler: SchedulerClient;
  readonly events: EventBridgeClient;
  readonly secretsManager: SecretsManagerClient;
  readonly rds: RDSClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly kinesis: KinesisClient;
}

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

/**
 * Calls AWS within the session's retry policy: `action` (`service:Action`) and `target` name the call in errors.
 * Errors that settle are retried while {@link maySettle} says they may.
 */
export function call<T>(
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

/** The promise cached under `key` in this session, computed on first use. */
export function memo<T>(session: VerificationSession, key: string, compute: () => Promise<T>): Promise<T> {
  let promise = session.cache.get(key) as Promise<T> | undefined;
  if (!promise) {
    promise = compute();
    session.cache.set(key, promise);
  }
  return promise;
}

/** kms:DescribeKey on a key identifier, once per identifier and invocation. */
export function describeKey(session: VerificationSession, keyId: string) {
  // isSettling, not maySettle: maySettle waits for this very call.
  return memo(session, `describe-key:${keyId}`, () => call(session, 'kms:DescribeKey', keyId, signal =>
    session.clients.kms.send(new DescribeKeyCommand({ KeyId: keyId }), { abortSignal: signal }), isSettling));
}
