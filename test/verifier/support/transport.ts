/**
 * The request handler (transport) of a real SDK v3 client, standing in for an AWS service that stays unavailable. It
 * never touches the network: it counts each HTTP request by operation and answers every one with HTTP 503. Unlike
 * aws-sdk-client-mock, which replaces `send`, it sees every request the SDK makes, its own retries included.
 */
export class UnavailableService {
  /** The requests received, by operation (`DescribeKey`, `GenerateDataKey`, ...). */
  public readonly requests: Record<string, number> = {};

  /** Called by the SDK for each HTTP request. */
  public async handle(request: { readonly headers: Record<string, string> }) {
    // JSON protocols (KMS among them) name the operation in X-Amz-Target, e.g. "TrentService.GenerateDataKey".
    const target = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1];
    const operation = target?.split('.').pop() ?? 'unknown';
    this.requests[operation] = (this.requests[operation] ?? 0) + 1;
    const body = JSON.stringify({ __type: 'ServiceUnavailableException', message: 'Service Unavailable' });
    return {
      response: {
        statusCode: 503,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(Buffer.byteLength(body)) },
        body: new Uint8Array(Buffer.from(body)),
      },
    };
  }
}

/** Static credentials for a client that only talks to a fake transport (requests are signed, never sent). */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
