import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request that reached the fake ResponseURL and was answered. */
export interface ReceivedResponse {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawBody: string;
  /** The parsed JSON body. */
  readonly body: Record<string, unknown>;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for CloudFormation's pre-signed ResponseURL. It records every request
 * it answers, can drop the next connections without answering (a network error for the client), and can answer with
 * another status.
 */
export class CloudFormationEndpoint {
  /** Starts the server on a free port. */
  public static async start(): Promise<CloudFormationEndpoint> {
    const endpoint = new CloudFormationEndpoint();
    await new Promise<void>(resolve => endpoint.server.listen(0, '127.0.0.1', resolve));
    return endpoint;
  }

  /** Requests answered, in order. */
  public readonly received: ReceivedResponse[] = [];
  /** Requests that reached the server, answered or dropped. */
  public attempts = 0;
  /** How many of the next requests to drop by destroying their connection. */
  public dropNext = 0;
  /** The status to answer with. */
  public status = 200;

  private readonly server: http.Server;

  private constructor() {
    this.server = http.createServer((req, res) => {
      this.attempts++;
      if (this.dropNext > 0) {
        this.dropNext--;
        req.socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        this.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody, body: JSON.parse(rawBody) });
        res.statusCode = this.status;
        res.end();
      });
    });
  }

  /** The ResponseURL to put in events (with a query string, like a pre-signed S3 URL). */
  public get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/cloudformation-response?X-Amz-Signature=test`;
  }

  /** Forgets what was received and answers normally again. */
  public reset(): void {
    this.received.length = 0;
    this.attempts = 0;
    this.dropNext = 0;
    this.status = 200;
  }

  /** Stops the server and closes kept-alive connections. */
  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close(err => (err ? reject(err) : resolve())));
  }
}
