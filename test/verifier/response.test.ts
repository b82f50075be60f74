import { EventEmitter } from 'node:events';
import type { RequestOptions } from 'node:https';
import { PassThrough } from 'node:stream';
import { KEY_ARN } from './support/aws';
import { bodyBytes, cutToBytes, MAX_RESPONSE_BYTES, reasonRoom, sendResponse } from '../../src/verifier/response';

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
