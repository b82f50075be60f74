/**
 * The database probe's protocol pieces, against published test vectors and a loopback server: they run only in the
 * acceptance kit's AWS account, so these tests are what keeps them honest offline.
 */
import * as net from 'node:net';
import { CredentialsWithoutTlsError, PostgresConnection, PostgresServerError, ScramSha256 } from './postgres-client';
import { presignedQuery, rdsAuthToken } from './rds-auth-token';

describe('Signature Version 4 presigning', () => {
  test('reproduces the presigned URL of the S3 documentation example', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html ("An example")
    const query = presignedQuery({
      method: 'GET',
      host: 'examplebucket.s3.amazonaws.com',
      path: '/test.txt',
      query: {},
      region: 'us-east-1',
      service: 's3',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      date: new Date('2013-05-24T00:00:00Z'),
      expiresSeconds: 86400,
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
    expect(query).toBe('X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request'
      + '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host'
      + '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404');
  });

  test('an RDS IAM authentication token signs what botocore\'s generate_db_auth_token signs, session token included', () => {
    // Expected signature computed with botocore 1.43 (rds.generate_db_auth_token, clock fixed at 2030-01-02T03:04:05Z).
    const token = rdsAuthToken({
      hostname: 'mydb.abc123.eu-west-1.rds.amazonaws.com',
      port: 5432,
      user: 'integ_iam',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+with/odd=chars' },
      date: new Date('2030-01-02T03:04:05Z'),
    });
    expect(token.startsWith('mydb.abc123.eu-west-1.rds.amazonaws.com:5432/?Action=connect&DBUser=integ_iam&')).toBe(true);
    expect(token).toContain('X-Amz-Credential=AKIDEXAMPLE%2F20300102%2Feu-west-1%2Frds-db%2Faws4_request');
    expect(token).toContain('X-Amz-Expires=900');
    expect(token).toContain('X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE%2F%2Ftoken%2Bwith%2Fodd%3Dchars');
    expect(token.endsWith('&X-Amz-Signature=8e802b0e5f3baa6996c122f2e368bd2d648d0acdbfdf9cf03e61cffa238fb40f')).toBe(true);
  });
});

describe('SCRAM-SHA-256', () => {
  // https://www.rfc-editor.org/rfc/rfc7677#section-3
  const serverFirst = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';

  test('reproduces the RFC 7677 example exchange', () => {
    const scram = new ScramSha256('pencil', { user: 'user', nonce: 'rOprNGfwEbeRWgbNEkqO' });
    expect(scram.clientFirstMessage()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(scram.clientFinalMessage(serverFirst))
      .toBe('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    expect(() => scram.verifyServerFinalMessage('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow();
  });

  test('refuses a server that does not prove it holds the password', () => {
    const scram = new ScramSha256('not pencil', { user: 'user', nonce: 'rOprNGfwEbeRWgbNEkqO' });
    scram.clientFirstMessage();
    scram.clientFinalMessage(serverFirst);
    expect(() => scram.verifyServerFinalMessage('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).toThrow(/server signature does not match/);
  });

  test('refuses a server nonce that does not extend the client nonce', () => {
    const scram = new ScramSha256('pencil', { nonce: 'clientnonce' });
    scram.clientFirstMessage();
    expect(() => scram.clientFinalMessage('r=othernonce,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).toThrow(/nonce/);
  });
});

describe('PostgreSQL connection without TLS', () => {
  /** A loopback server that answers the startup message with `reply` and records every byte it receives. */
  async function withServer(reply: Buffer, run: (port: number, received: () => Buffer) => Promise<void>): Promise<void> {
    let received = Buffer.alloc(0);
    const server = net.createServer(socket => {
      socket.on('data', chunk => {
        const first = received.length === 0;
        received = Buffer.concat([received, chunk]);
        if (first) socket.write(reply);
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      await run((server.address() as net.AddressInfo).port, () => received);
    } finally {
      await new Promise<void>(resolve => server.close(() => resolve()));
    }
  }

  function message(type: string, body: Buffer): Buffer {
    const length = Buffer.alloc(4);
    length.writeInt32BE(body.length + 4);
    return Buffer.concat([Buffer.from(type), length, body]);
  }

  test('reports the server\'s refusal with its SQLSTATE', async () => {
    const error = message('E', Buffer.from('SFATAL\0C28000\0Mno pg_hba.conf entry, no encryption\0\0'));
    await withServer(error, async (port) => {
      const attempt = PostgresConnection.connect({ host: '127.0.0.1', port, database: 'postgres', user: 'dbadmin', password: 'secret', tls: false });
      await expect(attempt).rejects.toBeInstanceOf(PostgresServerError);
      await expect(attempt).rejects.toMatchObject({ sqlState: '28000' });
    });
  });

  test('never sends the password when the server asks for it without TLS', async () => {
    const cleartextRequest = message('R', Buffer.from([0, 0, 0, 3]));
    await withServer(cleartextRequest, async (port, received) => {
      await expect(PostgresConnection.connect({ host: '127.0.0.1', port, database: 'postgres', user: 'dbadmin', password: 'secret-password', tls: false }))
        .rejects.toBeInstanceOf(CredentialsWithoutTlsError);
      expect(received().toString('latin1')).not.toContain('secret-password');
      expect(received().toString('latin1')).toContain('dbadmin'); // the startup message did arrive
    });
  });
});
