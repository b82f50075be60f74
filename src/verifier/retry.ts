/*
 * How the verifier's AWS calls are retried: which errors are transient, which settle (eventual consistency) and which
 * are final, and the backoff that never passes the deadline. See docs/verifier-retries.md.
 *
 * Bundled into the verifier Lambda: import only node built-ins here.
 */

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

/**
 * Throttling and service-side errors by name. Besides the usual ones: SQS's `RequestThrottled`
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html) and Kinesis's
 * `LimitExceededException`, which is how DescribeStreamSummary's "limit of 20 transactions per second per account"
 * answers (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamSummary.html).
 */
const TRANSIENT_ERROR_NAMES = new Set([
  'ThrottlingException', 'Throttling', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded',
  'RequestThrottled', 'LimitExceededException',
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
 *   AccessDeniedException (KMS, Scheduler, EventBridge, Secrets Manager, Kinesis), AccessDenied (RDS, query protocol)
 *   and AuthorizationErrorException (SNS GetTopicAttributes, https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html).
 * - A resource created just before: ResourceNotFoundException from Scheduler GetSchedule
 *   (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_GetSchedule.html), EventBridge DescribeEventBus,
 *   DescribeArchive and DescribeConnection (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeConnection.html)
 *   and Secrets Manager DescribeSecret (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html);
 *   DBInstanceNotFound (SDK name DBInstanceNotFoundFault) from RDS DescribeDBInstances
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html) and DBClusterNotFoundFault
 *   (the same name in the SDK) from RDS DescribeDBClusters
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusters.html); QueueDoesNotExist from SQS
 *   GetQueueAttributes (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html),
 *   NotFoundException from SNS GetTopicAttributes (https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html)
 *   and ResourceNotFoundException from Kinesis DescribeStreamSummary
 *   (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamSummary.html).
 *
 * InvalidCiphertextException is NOT here: it is the answer the context-binding check expects.
 */
const SETTLING_ERROR_NAMES = new Set([
  'NotFoundException', 'KMSInvalidStateException',
  'AccessDeniedException', 'AccessDenied', 'AuthorizationErrorException',
  'ResourceNotFoundException', 'DBInstanceNotFound', 'DBInstanceNotFoundFault', 'DBClusterNotFoundFault', 'QueueDoesNotExist',
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
  if (isNetworkErrorCode(e.code)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** True for the `code` of a network error (`ECONNRESET`, `ETIMEDOUT`, ...): the function may not reach the service. */
export function isNetworkErrorCode(code: unknown): boolean {
  return typeof code === 'string' && NETWORK_ERROR_CODES.has(code);
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
