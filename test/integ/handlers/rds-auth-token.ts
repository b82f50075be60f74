/**
 * An RDS IAM authentication token, computed locally: a Signature Version 4 presigned `connect` request for the
 * `rds-db` service, valid 15 minutes, without the `https://` scheme. No call to AWS is made, so a function in a VPC
 * without internet access can compute it from its role's credentials (the Lambda environment variables).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Connecting.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html (the query-string form)
 */
import { createHash, createHmac } from 'node:crypto';

/** AWS credentials; the session token is present for a role's temporary credentials. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A request to presign with Signature Version 4 query parameters. */
export interface PresignRequest {
  readonly method: string;
  /** The Host header: host name, and `:port` when the port is part of it. */
  readonly host: string;
  /** The URI path, already URI-encoded (e.g. `/`). */
  readonly path: string;
  /** Query parameters other than the `X-Amz-*` ones this function adds. */
  readonly query: Readonly<Record<string, string>>;
  readonly region: string;
  readonly service: string;
  readonly credentials: AwsCredentials;
  readonly date: Date;
  readonly expiresSeconds: number;
  /** Hex SHA-256 of the payload, or `UNSIGNED-PAYLOAD` (S3). */
  readonly payloadHash: string;
}

/** The presigned request's query string (canonical order, `X-Amz-Signature` last). */
export function presignedQuery(request: PresignRequest): string {
  const amzDate = request.date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''); // YYYYMMDDTHHMMSSZ
  const dateStamp = amzDate.slice(0, 8);
  const scope = `${dateStamp}/${request.region}/${request.service}/aws4_request`;
  const parameters: Record<string, string> = {
    ...request.query,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${request.credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(request.expiresSeconds),
    'X-Amz-SignedHeaders': 'host',
  };
  if (request.credentials.sessionToken) parameters['X-Amz-Security-Token'] = request.credentials.sessionToken;
  const canonicalQuery = Object.entries(parameters)
    .map(([key, value]) => [uriEncode(key), uriEncode(value)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalRequest = [request.method, request.path, canonicalQuery, `host:${request.host}`, '', 'host', request.payloadHash].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${request.credentials.secretAccessKey}`, dateStamp);
  for (const part of [request.region, request.service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return `${canonicalQuery}&X-Amz-Signature=${signature}`;
}

/** What an RDS IAM authentication token is for. */
export interface RdsAuthTokenRequest {
  /** The DB instance endpoint address. */
  readonly hostname: string;
  readonly port: number;
  /** The database user, enabled for IAM authentication (PostgreSQL: granted `rds_iam`). */
  readonly user: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** Signing time (default now). */
  readonly date?: Date;
}

/** The token to send as the database password: `<host>:<port>/?Action=connect&DBUser=<user>&X-Amz-...`. */
export function rdsAuthToken(request: RdsAuthTokenRequest): string {
  const host = `${request.hostname}:${request.port}`;
  const query = presignedQuery({
    method: 'GET',
    host,
    path: '/',
    query: { Action: 'connect', DBUser: request.user },
    region: request.region,
    service: 'rds-db',
    credentials: request.credentials,
    date: request.date ?? new Date(),
    expiresSeconds: 900,
    payloadHash: sha256Hex(''),
  });
  return `${host}/?${query}`;
}

/** RFC 3986 encoding as Signature Version 4 requires: everything but `A-Z a-z 0-9 - _ . ~` as `%XX`. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
