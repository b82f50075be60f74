import { awsError, networkError, policy } from './support/aws';
import { truncate } from '../../src/verifier/response';
import { AwsCallError, callWithRetry, errorName, isSettling, isTransient } from '../../src/verifier/retry';

/** The AwsCallError a call must end in. */
async function failure(call: Promise<unknown>): Promise<AwsCallError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof AwsCallError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('isTransient', () => {
  test.each([
    'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'ServiceUnavailable', 'InternalFailure',
    'KMSInternalException', 'DependencyTimeoutException', 'InternalServerException',
  ])('%s is retried', name => {
    expect(isTransient(awsError(name))).toBe(true);
  });

  test.each(['ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN'])('network error %s is retried', code => {
    expect(isTransient(networkError(code))).toBe(true);
  });

  test('a 5xx or 429 status the SDK did not name is retried', () => {
    expect(isTransient(awsError('UnknownError', 'x', { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isTransient(awsError('UnknownError', 'x', { $metadata: { httpStatusCode: 429 } }))).toBe(true);
  });

  test.each([
    'AccessDeniedException', 'DisabledException', 'KMSInvalidStateException', 'NotFoundException', 'ResourceNotFoundException',
    'DBInstanceNotFoundFault', 'DBClusterNotFoundFault', 'InvalidCiphertextException', 'ValidationException',
  ])('%s is final', name => {
    expect(isTransient(awsError(name))).toBe(false);
  });

  test('non-errors and aborts are final', () => {
    expect(isTransient('ThrottlingException')).toBe(false);
    expect(isTransient(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(false);
  });
});

describe('isSettling', () => {
  test.each([
    'NotFoundException', 'KMSInvalidStateException', 'AccessDeniedException', 'AccessDenied', 'ResourceNotFoundException',
    'DBInstanceNotFound', 'DBInstanceNotFoundFault', 'DBClusterNotFoundFault',
  ])('%s may settle', name => {
    expect(isSettling(awsError(name))).toBe(true);
  });

  test.each([
    'InvalidCiphertextException', 'IncorrectKeyException', 'DisabledException', 'ValidationException', 'InvalidArnException',
    'ThrottlingException', 'AbortError',
  ])('%s does not settle', name => {
    expect(isSettling(awsError(name))).toBe(false);
  });

  test('non-errors do not settle', () => {
    expect(isSettling('NotFoundException')).toBe(false);
  });
});

describe('callWithRetry', () => {
  test('retries an error that settles until the settle window closes, past maxAttempts, and reports how long', async () => {
    const p = policy({ settleUntil: 20_000, maxAttempts: 3 });
    const send = jest.fn().mockRejectedValue(awsError('NotFoundException'));
    const error = await failure(callWithRetry('kms:DescribeKey', 'key k', send, p));
    const slept = p.slept.reduce((a, b) => a + b, 0);
    expect(send.mock.calls.length).toBeGreaterThan(3);
    expect(send).toHaveBeenCalledTimes(p.slept.length + 1);
    expect(slept).toBeLessThan(20_000);
    expect(slept + 2_500).toBeGreaterThanOrEqual(20_000); // the next backoff (at least half of the 5 s cap) would have passed it
    expect(error).toMatchObject({ attempts: send.mock.calls.length, transient: false, settlingMs: slept });
  });

  test('an error that settles succeeds on the attempt after it settled', async () => {
    const p = policy({ settleUntil: 20_000 });
    const send = jest.fn().mockRejectedValueOnce(awsError('AccessDeniedException')).mockRejectedValueOnce(awsError('AccessDeniedException')).mockResolvedValue('ok');
    await expect(callWithRetry('a', 't', send, p)).resolves.toBe('ok');
    expect(p.slept).toEqual([100, 200]);
  });

  test('the settle window never reaches past the deadline', async () => {
    const p = policy({ settleUntil: 60_000, deadline: 1_000 });
    await failure(callWithRetry('a', 't', jest.fn().mockRejectedValue(awsError('NotFoundException')), p));
    expect(p.slept.reduce((a, b) => a + b, 0)).toBeLessThan(1_000);
  });

  test('an error the caller says will not settle is final', async () => {
    const send = jest.fn().mockRejectedValue(awsError('KMSInvalidStateException'));
    await expect(callWithRetry('a', 't', send, policy({ settleUntil: 20_000 }), () => false)).rejects.toMatchObject({ attempts: 1, settlingMs: 0 });
    expect(send).toHaveBeenCalledTimes(1);
  });

  test('a clock that does not move cannot keep a settling error retrying: maxSettlingAttempts ends it', async () => {
    const send = jest.fn().mockRejectedValue(awsError('NotFoundException'));
    const p = policy({ settleUntil: 20_000, now: () => 0, maxSettlingAttempts: 7 });
    await expect(callWithRetry('a', 't', send, p)).rejects.toMatchObject({ attempts: 7 });
    expect(send).toHaveBeenCalledTimes(7);
  });

  test('stops after maxAttempts and reports the last error and the attempts', async () => {
    const p = policy({ maxAttempts: 3 });
    const send = jest.fn().mockRejectedValue(awsError('ThrottlingException'));
    const error = await failure(callWithRetry('kms:DescribeKey', 'key k', send, p));
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ action: 'kms:DescribeKey', target: 'key k', attempts: 3, transient: true });
    expect(error.message).toBe('kms:DescribeKey on key k failed after 3 attempt(s): ThrottlingException: ThrottlingException (test)');
    expect(p.slept).toEqual([100, 200]); // random() = 0: half the exponential ceiling
  });

  test('caps the backoff', async () => {
    const p = policy({ maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 3000, random: () => 0.999 });
    await callWithRetry('a', 't', jest.fn().mockRejectedValue(networkError()), p).catch(() => undefined);
    expect(p.slept.every(ms => ms <= 3000)).toBe(true);
    expect(p.slept).toEqual([1000, 1999, 2999, 2999, 2999]);
  });

  test('does not retry a final error, nor one that settles when no settle window is given', async () => {
    const send = jest.fn().mockRejectedValue(awsError('AccessDeniedException'));
    await expect(callWithRetry('a', 't', send, policy())).rejects.toMatchObject({ attempts: 1, transient: false });
    expect(send).toHaveBeenCalledTimes(1);
  });

  test('starts no attempt once the handler gave up (aborted), and passes the signal to the SDK', async () => {
    const controller = new AbortController();
    const send = jest.fn().mockImplementation(async () => {
      controller.abort();
      throw networkError();
    });
    const error = await failure(callWithRetry('a', 't', send, policy({ signal: controller.signal })));
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith(controller.signal);
    expect(errorName(error.failure)).toBe('AbortError');
  });
});

describe('messages', () => {
  test('a network error is named by its code', () => {
    expect(errorName(networkError('ETIMEDOUT'))).toBe('ETIMEDOUT');
    expect(errorName(awsError('ThrottlingException'))).toBe('ThrottlingException');
    expect(errorName(42)).toBe('number');
  });

  test('truncate marks the cut and respects the limit', () => {
    expect(truncate('abcdef', 10)).toBe('abcdef');
    expect(truncate('abcdefghijkl', 10)).toBe('abcdefg...');
  });
});
