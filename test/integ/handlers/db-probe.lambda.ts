/**
 * The acceptance tests' database probe, a Lambda function in the VPC of a PostgreSQL DB instance or an Aurora
 * PostgreSQL cluster (its cluster endpoint: the statements below are plain PostgreSQL, and Aurora PostgreSQL has the
 * same `rds_iam` role and `rds.force_ssl` parameter). Invoked by the assertion stack, it answers (never the password
 * or the token):
 *
 * - `plaintext`: whether the server refuses a connection without TLS before asking for a password (the parameter
 *   group's `rds.force_ssl=1`), and the SQLSTATE it answered;
 * - `tls`: `pg_stat_ssl` of its own backend on a TLS connection as the master user (password read from the
 *   RDS-managed secret through Secrets Manager), the server certificate verified against the Amazon CAs that the
 *   Lambda runtime ships (`NODE_EXTRA_CA_CERTS`);
 * - `iam`: the same on a connection as an IAM-enabled user (created and granted `rds_iam` with the master
 *   credentials) whose password is an IAM authentication token computed from the function's role.
 *
 * Environment: DB_HOST, DB_PORT, DB_NAME, MASTER_SECRET_ARN, IAM_DB_USER, AWS_REGION and the role's credentials
 * (set by Lambda).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CredentialsWithoutTlsError, PostgresConnection, PostgresServerError } from './postgres-client';
import { rdsAuthToken } from './rds-auth-token';

/** What the probe answers. */
export interface DbProbeResult {
  readonly plaintext: { readonly refused: boolean; readonly sqlState: string | null };
  readonly tls: { readonly user: string | null; readonly ssl: boolean; readonly version: string | null };
  readonly iam: { readonly user: string | null; readonly ssl: boolean; readonly version: string | null };
}

/** What the probe needs, read from the environment by `handler`. */
export interface DbProbeSettings {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly masterSecretArn: string;
  readonly iamUser: string;
  readonly region: string;
}

/** A role name PostgreSQL accepts unquoted, so it can be written into the statements below as it is. */
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export async function handler(): Promise<DbProbeResult> {
  const settings: DbProbeSettings = {
    host: required('DB_HOST'),
    port: Number(required('DB_PORT')),
    database: required('DB_NAME'),
    masterSecretArn: required('MASTER_SECRET_ARN'),
    iamUser: required('IAM_DB_USER'),
    region: required('AWS_REGION'),
  };
  return probe(settings, new SecretsManagerClient({}), {
    accessKeyId: required('AWS_ACCESS_KEY_ID'),
    secretAccessKey: required('AWS_SECRET_ACCESS_KEY'),
    sessionToken: process.env.AWS_SESSION_TOKEN,
  });
}

/** The three checks, in order; a failure of the TLS or IAM connection throws (the invocation then reports it). */
export async function probe(
  settings: DbProbeSettings,
  secrets: SecretsManagerClient,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): Promise<DbProbeResult> {
  if (!PLAIN_IDENTIFIER.test(settings.iamUser)) throw new Error(`IAM_DB_USER must match ${PLAIN_IDENTIFIER}, got ${JSON.stringify(settings.iamUser)}`);
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: settings.masterSecretArn }));
  const master = JSON.parse(secret.SecretString ?? '{}') as { username?: string; password?: string };
  if (!master.username || !master.password) throw new Error('the master secret has no username or password');
  const endpoint = { host: settings.host, port: settings.port, database: settings.database };

  const plaintext = await plaintextAttempt({ ...endpoint, user: master.username });

  const session = await PostgresConnection.connect({ ...endpoint, user: master.username, password: master.password, tls: true });
  let tls: DbProbeResult['tls'];
  try {
    tls = await ownSsl(session);
    await session.query([
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${settings.iamUser}') THEN CREATE ROLE ${settings.iamUser} LOGIN; END IF; END $$`,
      `GRANT rds_iam TO ${settings.iamUser}`,
    ].join('; '));
  } finally {
    await session.close();
  }

  const token = rdsAuthToken({ hostname: settings.host, port: settings.port, user: settings.iamUser, region: settings.region, credentials });
  const iamSession = await PostgresConnection.connect({ ...endpoint, user: settings.iamUser, password: token, tls: true });
  try {
    return { plaintext, tls, iam: await ownSsl(iamSession) };
  } finally {
    await iamSession.close();
  }
}

/** A connection without TLS: refused if the server answers with an error before asking for the password. */
async function plaintextAttempt(endpoint: { host: string; port: number; database: string; user: string }): Promise<DbProbeResult['plaintext']> {
  try {
    const session = await PostgresConnection.connect({ ...endpoint, password: '', tls: false });
    await session.close();
    return { refused: false, sqlState: null };
  } catch (error) {
    if (error instanceof PostgresServerError) return { refused: true, sqlState: error.sqlState ?? null };
    if (error instanceof CredentialsWithoutTlsError) return { refused: false, sqlState: null };
    throw error;
  }
}

/** `pg_stat_ssl` of this session's own backend. */
async function ownSsl(session: PostgresConnection): Promise<DbProbeResult['tls']> {
  const [row] = await session.query('SELECT current_user AS "user", ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  return { user: row?.user ?? null, ssl: row?.ssl === 't', version: row?.version ?? null };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
