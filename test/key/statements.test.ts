import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { KeyPolicyStatements } from '../../src';
import { TEST_ENV } from '../support/fixtures';

const env = { account: TEST_ENV.account, region: TEST_ENV.region, partition: 'aws' };
const stack = new Stack(undefined, 'Render', { env: TEST_ENV });
const render = (statements: iam.PolicyStatement | iam.PolicyStatement[]) =>
  stack.resolve([statements].flat().map(s => s.toStatementJson()));
const ROLE = new iam.ArnPrincipal('arn:aws:iam::111122223333:role/exec');

describe('KeyPolicyStatements', () => {
  test('scheduler: caller only via Scheduler for this schedule, execution role only Decrypt under the schedule context', () => {
    const scheduleArn = 'arn:aws:scheduler:eu-west-1:111122223333:schedule/default/nightly';
    expect(render(KeyPolicyStatements.schedule({ ...env, scheduleArn, executionRole: ROLE }))).toEqual([
      {
        Sid: 'SchedulerDescribe',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: 'kms:DescribeKey',
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': 'scheduler.eu-west-1.amazonaws.com', 'kms:CallerAccount': '111122223333' } },
      },
      {
        Sid: 'SchedulerEncrypt',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
        Condition: {
          StringEquals: {
            'kms:ViaService': 'scheduler.eu-west-1.amazonaws.com',
            'kms:CallerAccount': '111122223333',
            'kms:EncryptionContext:aws:scheduler:schedule:arn': scheduleArn,
          },
        },
      },
      {
        Sid: 'SchedulerExecutionRoleDecrypt',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:role/exec' },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringEquals: { 'kms:EncryptionContext:aws:scheduler:schedule:arn': scheduleArn } },
      },
    ]);
  });

  test('connection: Secrets Manager only, this connection\'s secret only, key must carry the API-destinations tag', () => {
    const [describe, secret] = render(KeyPolicyStatements.connection({ ...env, connectionName: 'crm' }));
    expect(describe).toEqual({
      Sid: 'ConnectionDescribe',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: {
        StringEquals: {
          'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com',
          'kms:CallerAccount': '111122223333',
          'aws:ResourceTag/EventBridgeApiDestinations': 'true',
        },
      },
    });
    expect(secret).toEqual({
      Sid: 'ConnectionSecret',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: {
        StringEquals: {
          'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com',
          'kms:CallerAccount': '111122223333',
          'aws:ResourceTag/EventBridgeApiDestinations': 'true',
        },
        StringLike: { 'kms:EncryptionContext:SecretARN': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:events!connection/crm/*' },
      },
    });
  });

  test('event bus and archive: the documented statements (describe unconditioned; data keys only under this bus\'s context)', () => {
    const eventBusArn = 'arn:aws:events:eu-west-1:111122223333:event-bus/orders';
    const archiveArn = 'arn:aws:events:eu-west-1:111122223333:archive/orders';
    const callers = {
      Sid: 'EventBridgeBusCallers',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: ['kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 'events.eu-west-1.amazonaws.com', 'kms:CallerAccount': '111122223333' } },
    };
    expect(render(KeyPolicyStatements.eventBus({ ...env, eventBusArn, archiveArn }))).toEqual([
      { Sid: 'EventBridgeDescribe', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'kms:DescribeKey', Resource: '*' },
      {
        Sid: 'EventBridgeBusAndArchive',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
        Resource: '*',
        // the archive page documents only this condition: which aws:SourceArn archive writes and replays present is unknown
        Condition: { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': eventBusArn } },
      },
      callers,
    ]);
    const busOnly = render(KeyPolicyStatements.eventBus({ ...env, eventBusArn }));
    expect(busOnly[1]).toEqual({
      Sid: 'EventBridgeBus',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': eventBusArn, 'aws:SourceArn': eventBusArn } },
    });
    expect(busOnly[2]).toEqual(callers);
  });

  test('rds: every use through RDS (or Secrets Manager) in this account, the master secret decrypted only for key checks, no `*` principal; grants only for AWS resources', () => {
    const statements = render(KeyPolicyStatements.rdsInstance(env));
    const via = { 'kms:ViaService': 'rds.eu-west-1.amazonaws.com', 'kms:CallerAccount': '111122223333' };
    const viaSecretsManager = { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com', 'kms:CallerAccount': '111122223333' };
    expect(statements).toEqual([
      expect.objectContaining({ Sid: 'RdsStorage', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Condition: { StringEquals: via } }),
      expect.objectContaining({
        Sid: 'RdsGrants',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        Condition: {
          StringEquals: { 'kms:ViaService': ['rds.eu-west-1.amazonaws.com', 'secretsmanager.eu-west-1.amazonaws.com'], 'kms:CallerAccount': '111122223333' },
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        },
      }),
      expect.objectContaining({ Sid: 'RdsMasterSecretDescribe', Action: 'kms:DescribeKey', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Condition: { StringEquals: viaSecretsManager } }),
      // the master secret: principals of the account (with their own IAM permission) may encrypt RDS-managed secrets and
      // pass Secrets Manager's key checks; no statement names every principal, and none decrypts a secret's value
      expect.objectContaining({
        Sid: 'RdsMasterSecret',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: 'kms:GenerateDataKey',
        Condition: {
          StringEquals: viaSecretsManager,
          StringLike: { 'kms:EncryptionContext:SecretARN': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!*' },
        },
      }),
      expect.objectContaining({
        Sid: 'RdsMasterSecretKeyCheck',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: 'kms:Decrypt',
        Condition: {
          StringEquals: { ...viaSecretsManager, 'kms:EncryptionContext:SecretVersionId': 'RequestToValidateKeyAccess' },
          StringLike: { 'kms:EncryptionContext:SecretARN': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!*' },
        },
      }),
      expect.objectContaining({
        Sid: 'RdsPerformanceInsights',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Condition: { StringEquals: { ...via, 'kms:EncryptionContext:aws:pi:service': 'rds', 'kms:EncryptionContext:service': 'pi' } },
      }),
    ]);
  });

  test('cloudtrail: GenerateDataKey* only for this trail (source ARN and cloudtrail context), DescribeKey and Decrypt (bucket key) for this trail', () => {
    const trailArn = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit';
    expect(render(KeyPolicyStatements.cloudTrail({ ...env, trailArn }))).toEqual([
      {
        Sid: 'CloudTrailEncryptLogs',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceArn': trailArn, 'aws:SourceAccount': '111122223333' },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111122223333:trail/*' },
        },
      },
      {
        Sid: 'CloudTrailDescribeKey',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:DescribeKey',
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceArn': trailArn, 'aws:SourceAccount': '111122223333' } },
      },
      {
        Sid: 'CloudTrailBucketKeyDecrypt',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceArn': trailArn, 'aws:SourceAccount': '111122223333' } },
      },
    ]);
  });

  test('cloudwatch logs: the regional logs principal only for this log group', () => {
    const logGroupArn = 'arn:aws:logs:eu-west-1:111122223333:log-group:/audit';
    expect(render(KeyPolicyStatements.logGroup({ ...env, logGroupArn }))).toEqual([{
      Sid: 'CloudWatchLogs',
      Effect: 'Allow',
      Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
    }]);
  });

  test('sqs: roles only through SQS; service principals as documented, their source checked if they present one', () => {
    const [statement] = render(KeyPolicyStatements.queue({
      ...env,
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      sourceArns: ['arn:aws:events:eu-west-1:111122223333:rule/r'],
    }));
    expect(statement.Condition).toEqual({ ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:111122223333:rule/r' } });
    expect(render(KeyPolicyStatements.queue({ ...env, principals: [new iam.ServicePrincipal('events.amazonaws.com')] }))[0].Condition).toBeUndefined();
    const [roleStatement] = render(KeyPolicyStatements.queue({ ...env, principals: [ROLE] }));
    expect(roleStatement.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' } });
    expect(roleStatement.Action).toEqual(['kms:GenerateDataKey', 'kms:Decrypt']);
  });

  test('verifier: round trip only when its own context key is the only key present', () => {
    const [, roundTrip] = render(KeyPolicyStatements.verifier({ ...env, verifierRole: ROLE }));
    expect(roundTrip).toEqual({
      Sid: 'EncryptionVerifierRoundTrip',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/exec' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: {
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['cdk-encrypted-constructs:verification'] },
        'Null': { 'kms:EncryptionContext:cdk-encrypted-constructs:verification': 'false' },
      },
    });
  });

  test('grants are denied unless for an AWS resource or by an AWS service (CT.KMS.PR.3)', () => {
    expect(render(KeyPolicyStatements.denyGrantsExceptForAwsResources())).toEqual([{
      Sid: 'DenyGrantsExceptForAwsResources',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }]);
  });

  test('every Allow statement that lets a service or role use a key carries conditions, except the two AWS documents without', () => {
    const all = [
      ...KeyPolicyStatements.schedule({ ...env, scheduleArn: 'a', executionRole: ROLE }),
      ...KeyPolicyStatements.connection({ ...env, connectionName: 'c' }),
      ...KeyPolicyStatements.eventBus({ ...env, eventBusArn: 'b', archiveArn: 'a' }),
      ...KeyPolicyStatements.rdsInstance(env),
      ...KeyPolicyStatements.cloudTrail({ ...env, trailArn: 't' }),
      KeyPolicyStatements.logGroup({ ...env, logGroupArn: 'l' }),
      KeyPolicyStatements.queue({ ...env, principals: [ROLE] }),
      ...KeyPolicyStatements.topic({ ...env, servicePrincipals: ['cloudwatch.amazonaws.com'] }),
      KeyPolicyStatements.verifier({ ...env, verifierRole: ROLE })[1],
    ];
    const usage = /kms:(Encrypt|Decrypt|GenerateDataKey|ReEncrypt|CreateGrant)/;
    for (const s of render(all)) {
      const actions = [s.Action].flat();
      if (actions.some((a: string) => usage.test(a))) expect({ sid: s.Sid, conditions: Object.keys(s.Condition ?? {}).length > 0 }).toEqual({ sid: s.Sid, conditions: true });
    }
    // SNS: "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not supported for
    // EventBridge-to-encrypted topics." EventBridge to an encrypted SQS queue: documented without conditions, so the
    // source is checked only if EventBridge presents one.
    const documented = render([
      ...KeyPolicyStatements.topic({ ...env, servicePrincipals: ['events.amazonaws.com'] }),
      KeyPolicyStatements.queue({ ...env, principals: [new iam.ServicePrincipal('events.amazonaws.com')], sourceArns: ['arn:aws:events:eu-west-1:111122223333:rule/r'] }),
    ]);
    expect(documented.map((s: any) => [s.Sid, s.Principal, s.Condition])).toEqual([
      ['SnsTopicEventBridge', { Service: 'events.amazonaws.com' }, undefined],
      ['SqsQueue', { Service: 'events.amazonaws.com' }, { ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:111122223333:rule/r' } }],
    ]);
  });
});
