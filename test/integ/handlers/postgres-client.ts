/**
 * A minimal PostgreSQL client for the acceptance tests' database probe: TLS (SSLRequest, server certificate
 * verified), SCRAM-SHA-256, MD5 and cleartext password authentication, and the simple query protocol with text
 * results. Node built-ins only, so the probe needs no database driver in the repository.
 *
 * Protocol: https://www.postgresql.org/docs/current/protocol-flow.html and
 * https://www.postgresql.org/docs/current/protocol-message-formats.html; SCRAM:
 * https://www.postgresql.org/docs/current/sasl-authentication.html (RFC 5802, RFC 7677).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';

/** Where and as whom to connect. */
export interface PostgresConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  /**
   * Ask for TLS first (SSLRequest) and verify the server's certificate against Node's trust store and
   * `NODE_EXTRA_CA_CERTS`. Without TLS the client never sends the password: it fails as soon as the server asks for it.
   */
  readonly tls: boolean;
  /** Socket inactivity limit in milliseconds (default 10 000). */
  readonly timeoutMs?: number;
}

/** An ErrorResponse from the server, with its fields by code (`C` the SQLSTATE, `M` the message, ...). */
export class PostgresServerError extends Error {
  constructor(public readonly fields: Readonly<Record<string, string>>) {
    super(`${fields.S ?? 'ERROR'} ${fields.C ?? '?'}: ${fields.M ?? 'no message'}`);
    this.name = 'PostgresServerError';
  }

  /** The SQLSTATE code (e.g. `28000`, invalid authorization specification). */
  public get sqlState(): string | undefined {
    return this.fields.C;
  }
}

/** The server asked for the password on a connection without TLS; the client refused to send it. */
export class CredentialsWithoutTlsError extends Error {
  constructor(authenticationCode: number) {
    super(`the server asked for a password (authentication request ${authenticationCode}) on a connection without TLS; not sent`);
    this.name = 'CredentialsWithoutTlsError';
  }
}

/** One row of a result, column name to text value (`null` for SQL NULL). */
export type Row = Record<string, string | null>;

interface Message {
  readonly type: string;
  readonly body: Buffer;
}

/** An open, authenticated session. */
export class PostgresConnection {
  /** Connects, negotiates TLS if asked, authenticates, and waits until the server is ready for a query. */
  public static async connect(options: PostgresConnectOptions): Promise<PostgresConnection> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const socket = net.connect({ host: options.host, port: options.port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer from ${options.host}:${options.port} within ${timeoutMs} ms`)));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });

    let stream: net.Socket | tls.TLSSocket = socket;
    if (options.tls) {
      socket.write(sslRequest());
      const answer = await readOneByte(socket);
      if (answer !== 'S') {
        socket.destroy();
        throw new Error(`the server refused TLS (answered ${JSON.stringify(answer)} to SSLRequest)`);
      }
      // servername: SNI and the name the certificate is checked against; rejectUnauthorized stays true.
      const secure = tls.connect({ socket, servername: options.host, minVersion: 'TLSv1.2' });
      await new Promise<void>((resolve, reject) => {
        secure.once('secureConnect', resolve);
        secure.once('error', reject);
      });
      secure.setTimeout(timeoutMs, () => secure.destroy(new Error(`no answer from ${options.host}:${options.port} within ${timeoutMs} ms`)));
      stream = secure;
    }

    const connection = new PostgresConnection(stream, options.tls);
    try {
      await connection.startup(options);
    } catch (error) {
      stream.destroy();
      throw error;
    }
    return connection;
  }

  private buffer = Buffer.alloc(0);
  private readonly queue: Message[] = [];
  private waiting?: { resolve: (message: Message) => void; reject: (error: Error) => void };
  private failure?: Error;

  private constructor(private readonly stream: net.Socket | tls.TLSSocket, private readonly encrypted: boolean) {
    stream.on('data', (chunk: Buffer) => this.receive(chunk));
    stream.on('error', (error: Error) => this.fail(error));
    stream.on('close', () => this.fail(new Error('the server closed the connection')));
  }

  /**
   * Runs one statement (or several separated by `;`) with the simple query protocol and returns the rows of every
   * result, in order. An ErrorResponse rejects, after the server is ready again.
   */
  public async query(sql: string): Promise<Row[]> {
    this.send('Q', cstring(sql));
    const rows: Row[] = [];
    let columns: string[] = [];
    let error: PostgresServerError | undefined;
    for (;;) {
      const message = await this.next();
      switch (message.type) {
        case 'T':
          columns = parseRowDescription(message.body);
          break;
        case 'D':
          rows.push(parseDataRow(message.body, columns));
          break;
        case 'E':
          error = new PostgresServerError(parseFields(message.body));
          break;
        case 'Z':
          if (error) throw error;
          return rows;
        default:
          // CommandComplete, EmptyQueryResponse, NoticeResponse, ParameterStatus: nothing to keep.
          break;
      }
    }
  }

  /** Sends Terminate and closes the socket. */
  public async close(): Promise<void> {
    if (this.stream.destroyed) return;
    this.send('X', Buffer.alloc(0));
    await new Promise<void>(resolve => this.stream.end(resolve));
  }

  private async startup(options: PostgresConnectOptions): Promise<void> {
    this.sendUntyped(startupMessage(options.user, options.database));
    let scram: ScramSha256 | undefined;
    for (;;) {
      const message = await this.next();
      if (message.type === 'E') throw new PostgresServerError(parseFields(message.body));
      if (message.type === 'Z') return;
      if (message.type !== 'R') continue; // ParameterStatus, BackendKeyData, NoticeResponse
      const code = message.body.readInt32BE(0);
      if (code === 0) continue; // AuthenticationOk: ReadyForQuery follows
      if (!this.encrypted) throw new CredentialsWithoutTlsError(code);
      switch (code) {
        case 3: // AuthenticationCleartextPassword
          this.send('p', cstring(options.password));
          break;
        case 5: // AuthenticationMD5Password
          this.send('p', cstring(md5Password(options.user, options.password, message.body.subarray(4, 8))));
          break;
        case 10: { // AuthenticationSASL: the mechanisms the server offers
          const mechanisms = message.body.subarray(4).toString('utf8').split('\0').filter(m => m.length > 0);
          if (!mechanisms.includes('SCRAM-SHA-256')) throw new Error(`the server offers no SCRAM-SHA-256 (offers ${mechanisms.join(', ')})`);
          scram = new ScramSha256(options.password);
          const first = Buffer.from(scram.clientFirstMessage(), 'utf8');
          this.send('p', Buffer.concat([cstring('SCRAM-SHA-256'), int32(first.length), first]));
          break;
        }
        case 11: // AuthenticationSASLContinue: server-first-message
          if (!scram) throw new Error('SASL continue before SASL start');
          this.send('p', Buffer.from(scram.clientFinalMessage(message.body.subarray(4).toString('utf8')), 'utf8'));
          break;
        case 12: // AuthenticationSASLFinal: server-final-message
          if (!scram) throw new Error('SASL final before SASL start');
          scram.verifyServerFinalMessage(message.body.subarray(4).toString('utf8'));
          break;
        default:
          throw new Error(`unsupported authentication request ${code}`);
      }
    }
  }

  private send(type: string, body: Buffer): void {
    this.stream.write(Buffer.concat([Buffer.from(type, 'ascii'), int32(body.length + 4), body]));
  }

  private sendUntyped(message: Buffer): void {
    this.stream.write(message);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 5) {
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) break;
      this.queue.push({ type: String.fromCharCode(this.buffer[0]), body: this.buffer.subarray(5, 1 + length) });
      this.buffer = this.buffer.subarray(1 + length);
    }
    this.deliver();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.deliver();
  }

  private deliver(): void {
    if (!this.waiting) return;
    const message = this.queue.shift();
    if (message) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve(message);
    } else if (this.failure) {
      const { reject } = this.waiting;
      this.waiting = undefined;
      reject(this.failure);
    }
  }

  private next(): Promise<Message> {
    return new Promise<Message>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.deliver();
    });
  }
}

/**
 * SCRAM-SHA-256 without channel binding (gs2 header `n,,`), as PostgreSQL runs it: the user name in the client's
 * first message is ignored by the server, which takes the startup message's (so it is left empty by default).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5802#section-3 (the algorithm), https://www.rfc-editor.org/rfc/rfc7677 (SHA-256)
 */
export class ScramSha256 {
  private readonly clientNonce: string;
  private readonly user: string;
  private clientFirstBare?: string;
  private expectedServerSignature?: Buffer;

  /**
   * @param password the password (PostgreSQL applies SASLprep; printable ASCII, as RDS generates, is unchanged by it)
   * @param options a fixed nonce and user name, for the RFC 7677 test vector; by default 18 random bytes and no name
   */
  constructor(private readonly password: string, options: { readonly nonce?: string; readonly user?: string } = {}) {
    this.clientNonce = options.nonce ?? randomBytes(18).toString('base64');
    this.user = options.user ?? '';
  }

  /** `n,,n=<user>,r=<client nonce>`. */
  public clientFirstMessage(): string {
    this.clientFirstBare = `n=${this.user},r=${this.clientNonce}`;
    return `n,,${this.clientFirstBare}`;
  }

  /** The client-final-message (with the proof) for the server-first-message `r=...,s=...,i=...`. */
  public clientFinalMessage(serverFirstMessage: string): string {
    if (!this.clientFirstBare) throw new Error('SCRAM: client-first-message not sent');
    const attributes = parseScramAttributes(serverFirstMessage);
    const nonce = attributes.r;
    const salt = attributes.s;
    const iterations = Number(attributes.i);
    if (!nonce?.startsWith(this.clientNonce) || nonce.length === this.clientNonce.length) throw new Error('SCRAM: the server nonce does not extend the client nonce');
    if (!salt || !Number.isInteger(iterations) || iterations < 1) throw new Error('SCRAM: server-first-message without salt or iteration count');

    const saltedPassword = pbkdf2Sync(this.password, Buffer.from(salt, 'base64'), iterations, 32, 'sha256');
    const clientKey = hmac(saltedPassword, 'Client Key');
    const storedKey = createHash('sha256').update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`; // biws = base64("n,,")
    const authMessage = `${this.clientFirstBare},${serverFirstMessage},${withoutProof}`;
    const clientSignature = hmac(storedKey, authMessage);
    const proof = Buffer.alloc(clientKey.length);
    // ClientProof = ClientKey XOR ClientSignature (RFC 5802, section 3): the one place a bitwise operator is the spec.
    // eslint-disable-next-line no-bitwise
    for (let i = 0; i < clientKey.length; i++) proof[i] = clientKey[i] ^ clientSignature[i];
    this.expectedServerSignature = hmac(hmac(saltedPassword, 'Server Key'), authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** Checks the server-final-message `v=<server signature>`: the server proves it knows the password too. */
  public verifyServerFinalMessage(serverFinalMessage: string): void {
    const attributes = parseScramAttributes(serverFinalMessage);
    if (attributes.e) throw new Error(`SCRAM: the server rejected the proof (${attributes.e})`);
    const signature = Buffer.from(attributes.v ?? '', 'base64');
    const expected = this.expectedServerSignature;
    if (!expected || signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new Error('SCRAM: the server signature does not match: not the server that holds this password');
    }
  }
}

function parseScramAttributes(message: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const part of message.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) attributes[part.slice(0, at)] = part.slice(at + 1);
  }
  return attributes;
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** `md5` + md5(md5(password + user) + salt), in hex. */
function md5Password(user: string, password: string, salt: Buffer): string {
  const inner = createHash('md5').update(password + user, 'utf8').digest('hex');
  return 'md5' + createHash('md5').update(Buffer.concat([Buffer.from(inner, 'utf8'), salt])).digest('hex');
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function cstring(value: string): Buffer {
  return Buffer.concat([Buffer.from(value, 'utf8'), Buffer.from([0])]);
}

/** SSLRequest: length 8, code 80877103. */
function sslRequest(): Buffer {
  return Buffer.concat([int32(8), int32(80877103)]);
}

/** StartupMessage, protocol 3.0. */
function startupMessage(user: string, database: string): Buffer {
  const body = Buffer.concat([int32(196608), cstring('user'), cstring(user), cstring('database'), cstring(database), Buffer.from([0])]);
  return Buffer.concat([int32(body.length + 4), body]);
}

function readOneByte(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      socket.off('error', onError);
      // The server answers SSLRequest with one byte and waits: anything more would be a protocol violation.
      if (chunk.length !== 1) {
        reject(new Error(`unexpected answer to SSLRequest (${chunk.length} bytes)`));
        return;
      }
      resolve(String.fromCharCode(chunk[0]));
    };
    const onError = (error: Error) => {
      socket.off('data', onData);
      reject(error);
    };
    socket.once('data', onData);
    socket.once('error', onError);
  });
}

function parseFields(body: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  let offset = 0;
  while (offset < body.length && body[offset] !== 0) {
    const code = String.fromCharCode(body[offset]);
    const end = body.indexOf(0, offset + 1);
    fields[code] = body.subarray(offset + 1, end).toString('utf8');
    offset = end + 1;
  }
  return fields;
}

function parseRowDescription(body: Buffer): string[] {
  const count = body.readInt16BE(0);
  const names: string[] = [];
  let offset = 2;
  for (let i = 0; i < count; i++) {
    const end = body.indexOf(0, offset);
    names.push(body.subarray(offset, end).toString('utf8'));
    offset = end + 1 + 18; // table oid, column number, type oid, type size, type modifier, format code
  }
  return names;
}

function parseDataRow(body: Buffer, columns: string[]): Row {
  const count = body.readInt16BE(0);
  const row: Row = {};
  let offset = 2;
  for (let i = 0; i < count; i++) {
    const length = body.readInt32BE(offset);
    offset += 4;
    const name = columns[i] ?? `column${i}`;
    if (length < 0) {
      row[name] = null;
    } else {
      row[name] = body.subarray(offset, offset + length).toString('utf8');
      offset += length;
    }
  }
  return row;
}
