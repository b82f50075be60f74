import { EventEmitter } from 'node:events';
import type { RequestOptions } from 'node:https';
import { PassThrough } from 'node:stream';
import { ALL_RESOURCES, CONTEXT, DB_INSTANCE, KEY_ARN, OTHER_KEY_ARN, SCHEDULE } from './support/aws';
import { properties } from './support/events';
import { KeyPolicyStatements } from '../../src/key/statements';
import { parseProperties, physicalResourceId, VERIFICATION_CONTEXT_KEY, VerificationRequest } from '../../src/verifier/protocol';
import { bodyBytes, cutToBytes, MAX_RESPONSE_BYTES, reasonRoom, sendResponse } from '../../src/verifier/response';

function parsed(overrides: Record<string, unknown> = {}): VerificationRequest {
  const result = parseProperties(properties(overrides));
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.request;
}

describe('the contract', () => {
  test('the handler uses the encryption-context key the verifier key-policy statements allow', () => {
    expect(VERIFICATION_CONTEXT_KEY).toBe(KeyPolicyStatements.VERIFICATION_CONTEXT_KEY);
  });

  test('valid properties parse into a request', () => {
    expect(parsed({ Resources: ALL_RESOURCES, TimeoutSeconds: '90', CheckRotation: 'false' })).toEqual({
      keyArn: KEY_ARN,
      context: CONTEXT,
      contextValue: CONTEXT[VERIFICATION_CONTEXT_KEY],
      checkRotation: false,
      resources: ALL_RESOURCES,
      timeoutSeconds: 90,
    });
  });

  test('flags may also arrive as booleans (a direct invocation)', () => {
    const request = parsed({ CheckRotation: true, Resources: [{ ...DB_INSTANCE, ExpectMasterUserSecret: false, ExpectPerformanceInsights: true }] });
    expect(request.checkRotation).toBe(true);
    expect(request.resources).toEqual([{ ...DB_INSTANCE, ExpectMasterUserSecret: 'false', ExpectPerformanceInsights: 'true' }]);
  });

  test('multi-Region keys and other partitions are full key ARNs', () => {
    expect(parsed({ KeyArn: 'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab' }).keyArn)
      .toBe('arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab');
  });

  test('every problem is reported, not just the first', () => {
    const result = parseProperties({ KeyArn: '', VerificationContext: {}, CheckRotation: 'maybe', Resources: [null], TimeoutSeconds: '-1' });
    expect(result).toEqual({
      ok: false,
      problems: [
        'KeyArn is missing',
        'VerificationContext must have exactly one entry ("cdk-encrypted-constructs:verification"), got 0: ""',
        'CheckRotation must be "true" or "false", got "maybe"',
        'Resources[0] must be an object with a Type',
        'TimeoutSeconds must be a positive number of seconds, got "-1"',
      ],
    });
  });
});

describe('physical resource id', () => {
  test('is stable: the same for the same key, construct and resources in any order or repetition', () => {
    const id = physicalResourceId(parsed({ Resources: ALL_RESOURCES }));
    expect(id).toMatch(new RegExp(`^encryption-verification:${KEY_ARN}:[0-9a-f]{12}$`));
    expect(physicalResourceId(parsed({ Resources: [...ALL_RESOURCES].reverse() }))).toBe(id);
    expect(physicalResourceId(parsed({ Resources: [...ALL_RESOURCES, SCHEDULE] }))).toBe(id);
  });

  test('does not change when only what is checked of a DB instance changes', () => {
    const a = physicalResourceId(parsed({ Resources: [DB_INSTANCE] }));
    const b = physicalResourceId(parsed({ Resources: [{ ...DB_INSTANCE, ExpectPerformanceInsights: 'false' }], CheckRotation: 'false', TimeoutSeconds: '30' }));
    expect(b).toBe(a);
  });

  test('changes with the key, the construct path or the resources', () => {
    const id = physicalResourceId(parsed({ Resources: [SCHEDULE] }));
    expect(physicalResourceId(parsed({ Resources: [SCHEDULE], KeyArn: OTHER_KEY_ARN }))).not.toBe(id);
    expect(physicalResourceId(parsed({ Resources: [SCHEDULE], VerificationContext: { [VERIFICATION_CONTEXT_KEY]: 'Other/Path' } }))).not.toBe(id);
    expect(physicalResourceId(parsed({ Resources: [{ ...SCHEDULE, Name: 'other' }] }))).not.toBe(id);
  });
});

describe('sendResponse', () => {
  const response = { Status: 'SUCCESS', PhysicalResourceId: 'id', StackId: 's', RequestId: 'r', LogicalResourceId: 'l' } as const;

  test('an https ResponseURL is PUT with node https, an empty Content-Type and the exact Content-Length', async () => {
    // The module object itself (an `import * as` namespace only has getters, which jest cannot replace).
    const https = jest.requireActual<typeof import('node:https')>('node:https');
    const seen: Array<{ url: URL; options: RequestOptions; body: string }> = [];
    const request = jest.spyOn(https, 'request').mockImplementation(((url: URL, options: RequestOptions, onResponse: (res: PassThrough) => void) => {
      const req = Object.assign(new EventEmitter(), {
        end: (body: string) => {
          seen.push({ url, options, body });
          const res = Object.assign(new PassThrough(), { statusCode: 200 });
          onResponse(res);
          res.end();
        },
        destroy: () => undefined,
      });
      return req;
    }) as unknown as typeof https.request);
    try {
      await sendResponse('https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/path?X-Amz-Signature=x', response);
    } finally {
      request.mockRestore();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0].url.href).toBe('https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/path?X-Amz-Signature=x');
    expect(seen[0].options).toMatchObject({ method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(seen[0].body) } });
    expect(JSON.parse(seen[0].body)).toEqual(response);
  });

  test('an unsupported protocol is an error, not a hang', async () => {
    await expect(sendResponse('ftp://example.com/x', response, { attempts: 1 })).rejects.toThrow('ResponseURL has unsupported protocol ftp:');
  });
});

describe('the size of a response', () => {
  test('bodyBytes counts what a string takes in the JSON body: UTF-8 bytes and escapes', () => {
    expect(bodyBytes('abc')).toBe(3);
    expect(bodyBytes('é🔑')).toBe(2 + 4);
    expect(bodyBytes('"\\\n')).toBe(2 + 2 + 2);
  });

  test.each([
    ['a text that fits is kept', 'abcdef', 6, 'abcdef'],
    ['a cut is marked', 'abcdefgh', 6, 'abc...'],
    ['two-byte characters count twice', 'üüüü', 7, 'üü...'],
    ['escaped quotes count twice', '"quoted"', 7, '"qu...'],
    ['a surrogate pair is kept whole or not at all', 'ab🔑🔑🔑', 11, 'ab🔑...'],
    ['no room for the marker leaves what fits of it', 'abcdef', 2, '..'],
  ])('cutToBytes: %s', (_, text, maxBytes, expected) => {
    expect(cutToBytes(text, maxBytes)).toBe(expected);
    expect(bodyBytes(cutToBytes(text, maxBytes))).toBeLessThanOrEqual(maxBytes);
  });

  test('reasonRoom leaves exactly the bytes a Reason may take before the body passes 4,096 bytes', () => {
    const response = {
      Status: 'FAILED',
      PhysicalResourceId: `encryption-verification:${KEY_ARN}:0123456789ab`,
      StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/Bestellungen-Überprüfung/5b6c7d8e-0000-1111-2222-333344445555',
      RequestId: 'a1b2c3d4-request',
      LogicalResourceId: 'OrdersVerification1A2B3C4D',
    } as const;
    const room = reasonRoom(response);
    const reason = 'é'.repeat(Math.floor(room / 2)) + 'x'.repeat(room % 2);
    expect(Buffer.byteLength(JSON.stringify({ ...response, Reason: reason }))).toBe(MAX_RESPONSE_BYTES);
  });
});
