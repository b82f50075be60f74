/**
 * The pieces the RDS acceptance tests share (`integ.encrypted-rds-instance.ts`, `integ.encrypted-rds-cluster.ts`,
 * `integ.strict-composition.ts`): the database's VPC, the probe function that connects to it, the master-secret readers
 * and the assertions on them. Not an integ test itself: integ-runner only picks up files named `integ.*.ts`.
 */
import * as path from 'path';
import { ExpectedResult, IApiCall, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { inlineFunction, POLL } from './integ-support';
import { EncryptedRdsCluster, EncryptedRdsInstance } from '../../src';

/** The database constructs the probe and the readers work with. */
export type EncryptedDatabase = EncryptedRdsInstance | EncryptedRdsCluster;

/** The database user the probe creates, grants `rds_iam` and connects as with an IAM authentication token. */
export const IAM_DB_USER = 'integ_iam';

/** A VPC for a test database: two Availability Zones of isolated subnets, no NAT gateway. */
export function isolatedVpc(scope: Construct, id: string): ec2.Vpc {
  return new ec2.Vpc(scope, id, {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
}

/**
 * Where the probe connects: the instance's endpoint, or the cluster endpoint (the writer), whose name the server
 * certificate carries and for which the IAM authentication token is signed.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html#AuroraPostgreSQL.Security.SSL
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.IAMDBAuth.Connecting.html
 */
function endpointOf(db: EncryptedDatabase): { vpc: ec2.IVpc; host: string; port: string } {
  if (db instanceof EncryptedRdsCluster) {
    return { vpc: db.cluster.vpc, host: db.cluster.clusterEndpoint.hostname, port: Token.asString(db.cluster.clusterEndpoint.port) };
  }
  return { vpc: db.instance.vpc, host: db.instance.dbInstanceEndpointAddress, port: db.instance.dbInstanceEndpointPort };
}

/**
 * A function in the database's isolated subnets that connects to it (see `handlers/db-probe.lambda.ts`), bundled
 * from TypeScript with the esbuild of the repository's node_modules (no Docker, no network). It reaches Secrets
 * Manager through an interface endpoint (the VPC has no NAT), computes the IAM authentication token locally, and
 * verifies the server certificate with the Amazon CAs the Lambda Node.js runtime ships in
 * `/var/runtime/ca-cert.pem`, loaded through `NODE_EXTRA_CA_CERTS`
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html, "CA certificate loading").
 */
export function databaseProbe(scope: Construct, id: string, db: EncryptedDatabase): lambda.IFunction {
  const endpoint = endpointOf(db);
  const subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  endpoint.vpc.addInterfaceEndpoint(`${id}SecretsManager`, { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, subnets });
  const probe = new nodejs.NodejsFunction(scope, id, {
    entry: path.join(__dirname, 'handlers', 'db-probe.lambda.ts'),
    depsLockFilePath: path.join(__dirname, '..', '..', 'package-lock.json'),
    bundling: { logLevel: nodejs.LogLevel.ERROR },
    runtime: lambda.Runtime.NODEJS_24_X,
    timeout: Duration.minutes(1),
    vpc: endpoint.vpc,
    vpcSubnets: subnets,
    environment: {
      DB_HOST: endpoint.host,
      DB_PORT: endpoint.port,
      DB_NAME: 'postgres',
      MASTER_SECRET_ARN: db.masterUserSecret.secretArn,
      IAM_DB_USER,
      NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
    },
    logGroup: new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY }),
  });
  db.masterUserSecret.grantRead(probe);
  db.grantConnect(probe, IAM_DB_USER);
  db.connections.allowDefaultPortFrom(probe);
  return probe;
}

/**
 * Default settings "TLS" and "IAM database authentication" of both RDS constructs: invoked from the assertion stack,
 * the probe function (inside the VPC)
 * - is refused without TLS before it is asked for a password (`rds.force_ssl=1` in the construct's parameter group);
 * - connects with TLS as the master user (password from the RDS-managed secret, read through Secrets Manager under
 *   the key), the server certificate verified, and sees ssl = true in pg_stat_ssl for its own backend;
 * - creates an IAM-enabled user (GRANT rds_iam, https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.DBAccounts.html)
 *   and connects as it with an IAM authentication token, allowed by the construct's grantConnect, again with ssl = true.
 * Polled: a failed attempt (the database not reachable yet, an Aurora Serverless v2 instance resuming) is retried.
 */
export function expectDatabaseSessions(integ: IntegTest, probe: lambda.IFunction): IApiCall {
  const connected = integ.assertions.invokeFunction({ functionName: probe.functionName });
  connected.expect(ExpectedResult.objectLike({
    Payload: Match.serializedJson(Match.objectLike({
      plaintext: Match.objectLike({ refused: true }),
      tls: Match.objectLike({ user: 'dbadmin', ssl: true }),
      iam: Match.objectLike({ user: IAM_DB_USER, ssl: true }),
    })),
  })).waitForAssertions(POLL);
  return connected;
}

/**
 * Reads the master secret and answers only its user name and whether it holds a password: the assertion functions
 * log every response they get, so they must not read the secret themselves. When Secrets Manager refuses, it answers
 * the error's name and whether its message is about KMS ("AccessDeniedException: Access to KMS is not allowed" when the
 * caller may not decrypt under the secret's key), never the value.
 */
const READ_MASTER_SECRET_CODE = `
const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
const client = new SecretsManagerClient({});
exports.handler = async () => {
  try {
    const secret = await client.send(new GetSecretValueCommand({ SecretId: process.env.SECRET_ARN }));
    const value = JSON.parse(secret.SecretString);
    return { read: true, username: value.username, hasPassword: typeof value.password === 'string' && value.password.length > 0 };
  } catch (error) {
    return { read: false, error: error.name, aboutKms: /KMS/.test(String(error.message)) };
  }
};
`;

/**
 * A function of the test stack named as a reader of the master secret by `masterUserSecret.grantRead`: Secrets
 * Manager permissions on the secret and `kms:Decrypt` on the key through Secrets Manager, in its IAM policy and in the
 * key policy (its role by `aws:PrincipalArn`, which a strict-mode key needs).
 */
export function masterSecretReader(scope: Construct, id: string, db: EncryptedDatabase): lambda.IFunction {
  const reader = inlineFunction(scope, id, READ_MASTER_SECRET_CODE, { SECRET_ARN: db.masterUserSecret.secretArn });
  db.masterUserSecret.grantRead(reader);
  return reader;
}

/**
 * A function of the test stack whose role may read the master secret through Secrets Manager
 * (`secretsmanager:GetSecretValue` and `DescribeSecret` on it) but holds no KMS permission, and which no key-policy
 * statement names.
 */
export function masterSecretReaderWithoutKms(scope: Construct, id: string, db: EncryptedDatabase): lambda.IFunction {
  const reader = inlineFunction(scope, id, READ_MASTER_SECRET_CODE, { SECRET_ARN: db.masterUserSecret.secretArn });
  iam.Grant.addToPrincipal({ grantee: reader, actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resourceArns: [db.masterUserSecret.secretArn] });
  return reader;
}

/**
 * docs/key-grants.md "The RDS master secret": a principal whose IAM policy grants only `secretsmanager:GetSecretValue`
 * on the master secret is refused, because Secrets Manager decrypts with the caller's permissions and the key grants
 * no one the decryption of RDS-managed secrets by itself (no `Principal: *`); the reader named by
 * `masterUserSecret.grantRead` reads it. Then a rotation started by hand completes, which leaves the previous version
 * labelled AWSPREVIOUS: managed rotation runs on the grant RDS created with the database, not on a key-policy
 * statement. No password reaches CloudFormation or a log: the readers answer the user name only. Returns the last step
 * (the rotation seen complete).
 */
export function expectMasterSecretReadableAndRotated(integ: IntegTest, db: EncryptedDatabase, reader: lambda.IFunction, readerWithoutKms: lambda.IFunction): IApiCall {
  const secretId = db.masterUserSecret.secretArn;
  const refused = integ.assertions.invokeFunction({ functionName: readerWithoutKms.functionName });
  refused.expect(ExpectedResult.objectLike({ Payload: Match.serializedJson(Match.objectLike({ read: false, error: 'AccessDeniedException', aboutKms: true })) }));
  const read = integ.assertions.invokeFunction({ functionName: reader.functionName });
  read.expect(ExpectedResult.objectLike({ Payload: Match.serializedJson(Match.objectLike({ read: true, username: 'dbadmin', hasPassword: true })) }));

  const rotate = integ.assertions.awsApiCall('SecretsManager', 'rotateSecret', { SecretId: secretId }, ['ARN']);
  const versions = integ.assertions.awsApiCall('SecretsManager', 'listSecretVersionIds', { SecretId: secretId });
  versions.expect(ExpectedResult.objectLike({
    Versions: Match.arrayWith([Match.objectLike({ VersionStages: Match.arrayWith(['AWSPREVIOUS']) })]),
  })).waitForAssertions(POLL);
  refused.next(read).next(rotate).next(versions);
  return versions;
}
