/*
 * The response half of the CloudFormation custom-resource protocol: the body CloudFormation expects on ResponseURL,
 * fitted to its size limit, and the PUT that delivers it. The request half is in ./protocol.ts.
 *
 * Bundled into the verifier Lambda: import only node built-ins here.
 *
 * Why the verifier answers CloudFormation itself
 * ==============================================
 *
 * aws-cdk-lib has two ready-made ways to answer: `CustomResourceProvider` (core) and the provider framework
 * (`custom-resources.Provider`). We keep our own answer because of what it measurably buys; docs/verifier.md holds the
 * full comparison, with the aws-cdk-lib sources it rests on (read in aws-cdk-lib 2.261.0).
 *
 * Read in the source (facts):
 * - `CustomResourceProvider` renders its function as a bare `AWS::Lambda::Function` with Code, Timeout, MemorySize,
 *   Handler, Role, Runtime, Environment and Description only (core/lib/custom-resource-provider/
 *   custom-resource-provider-base.js): no VPC, no log group of ours (so no KMS-encrypted logs and no retention), no
 *   dead-letter queue, no tracing; its role carries the AWS managed AWSLambdaBasicExecutionRole plus one inline policy.
 *   The verifier needs all of those (EncryptionVerification.configure puts it in a VPC; its log group and dead-letter
 *   queue use the stack's alarm key; its permissions are customer managed policies chunked under IAM's size limit).
 * - Its response wrapper (custom-resource-handlers/dist/core/nodejs-entrypoint-handler) answers when the handler
 *   returns or throws, with no deadline of its own, and sends the error's stack as the Reason, unfitted to the
 *   4,096-byte body.
 * - The provider framework accepts a VPC, a log group and roles, but puts a second function of its own
 *   (`framework-onEvent`, 15-minute timeout, its own role and policy unless given) in front of ours in every stack
 *   that has one, invoking ours synchronously (custom-resources/lib/provider-framework/provider.js); it has no
 *   dead-letter option for that function, and its Reason is not fitted to 4,096 bytes either (runtime/cfn-response.js).
 *
 * What our own answer buys, and where it lives:
 * - the deadline: the handler answers before Lambda's timeout and names the checks still running
 *   (SAFETY_MARGIN_MS, SETTLE_RESERVE_MS in ./handler.lambda.ts);
 * - a Reason that fits the 4,096-byte body and keeps every fix whole (`failureReason` in ./reason.ts, with {@link reasonRoom}
 *   and {@link cutToBytes} here);
 * - one function per stack, with VPC placement, a KMS-encrypted log group and a dead-letter queue (./provider.ts).
 *
 * Judgement, not measurement: that one function per stack is worth the ~120 lines below and their tests against a
 * loopback HTTP server (test/verifier/protocol.test.ts, handler.test.ts). Switching providers would also change every
 * synthesized template (new resources, new logical ids), which a refactor must not do.
 */
import * as http from 'node:http';
import * as https from 'node:https';

/** The JSON body CloudFormation expects on ResponseURL. */
export interface CloudFormationResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId?: string;
  readonly RequestId?: string;
  readonly LogicalResourceId?: string;
  readonly Data?: Readonly<Record<string, string>>;
}

/**
 * The largest response body CloudFormation accepts, Reason included.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
export const MAX_RESPONSE_BYTES = 4096;

/** The bytes `text` takes as a string in a JSON body: its UTF-8 length plus the escapes JSON adds (`"`, `\`, controls). */
export function bodyBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

/**
 * Cuts `text` so that it takes at most `maxBytes` in a JSON body (see {@link bodyBytes}), marking the cut with `...`.
 * Never splits a character.
 */
export function cutToBytes(text: string, maxBytes: number): string {
  if (bodyBytes(text) <= maxBytes) return text;
  const marker = '...';
  if (maxBytes < marker.length) return marker.slice(0, Math.max(0, maxBytes));
  let kept = '';
  let used = 0;
  for (const character of text) {
    const size = bodyBytes(character);
    if (used + size > maxBytes - marker.length) break;
    kept += character;
    used += size;
  }
  return kept + marker;
}

/** The bytes left for a Reason in `response` (which has none yet) before its body passes {@link MAX_RESPONSE_BYTES}. */
export function reasonRoom(response: CloudFormationResponse): number {
  return Math.max(0, MAX_RESPONSE_BYTES - Buffer.byteLength(JSON.stringify({ ...response, Reason: '' })));
}

/** Options of {@link sendResponse}. */
export interface SendOptions {
  /** Attempts in all, including the first. @default 3 */
  readonly attempts?: number;
  /**
   * Time allowed for each attempt. Three attempts of 1.5 s plus their backoff fit in the handler's 5 s safety margin.
   * @default 1500
   */
  readonly timeoutMs?: number;
  /** Sleeps between attempts. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Raised when ResponseURL answers with a non-2xx status. */
export class ResponseStatusError extends Error {
  constructor(readonly statusCode: number) {
    super(`ResponseURL answered HTTP ${statusCode}`);
    this.name = 'ResponseStatusError';
  }
}

/**
 * PUTs the response to the pre-signed ResponseURL, the way CloudFormation expects it (`Content-Type` empty, exact
 * `Content-Length`). Retries network errors and 5xx answers with a short backoff; a 4xx answer is final.
 */
export async function sendResponse(responseUrl: string, response: CloudFormationResponse, options: SendOptions = {}): Promise<void> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  const body = JSON.stringify(response);
  for (let attempt = 1; ; attempt++) {
    try {
      await putOnce(responseUrl, body, options.timeoutMs ?? 1500);
      return;
    } catch (error) {
      const retryable = !(error instanceof ResponseStatusError) || error.statusCode >= 500;
      if (!retryable || attempt >= attempts) throw error;
      await sleep(100 * 2 ** (attempt - 1));
    }
  }
}

function putOnce(responseUrl: string, body: string, timeoutMs: number): Promise<void> {
  const url = new URL(responseUrl);
  const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!transport) return Promise.reject(new Error(`ResponseURL has unsupported protocol ${url.protocol}`));
  return new Promise<void>((resolve, reject) => {
    const request = transport.request(url, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
      timeout: timeoutMs,
    }, incoming => {
      incoming.resume();
      incoming.on('error', reject);
      incoming.on('end', () => {
        const status = incoming.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new ResponseStatusError(status));
      });
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer from ResponseURL within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
    request.end(body);
  });
}

/** Resolves after `ms` milliseconds. */
export function defaultSleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}


/** Cuts `text` to at most `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
