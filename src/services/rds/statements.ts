/**
 * What KMS must allow for RDS: the key-policy statements for DB storage, the RDS-managed master secret and
 * Performance Insights, shared by every RDS construct.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { rdsManagedSecretArnPattern } from './arns';
import { accountRoot, keyEnvironment, KeyStatementEnvironment, viaService } from '../kms/environment';
import { SECRETS_MANAGER_KEY_CHECK } from '../secretsmanager/encryption-context';

/** Where an RDS instance lives, for its key-policy statements. */
export interface RdsKeyStatementProps extends KeyStatementEnvironment {}

/**
 * Principals of this account, only through RDS in this region, may use the key for DB storage and create grants only
 * for AWS resources; through Secrets Manager, they may encrypt the RDS-managed master secret and pass Secrets
 * Manager's key checks; Performance Insights may use the key through RDS for its data.
 *
 * RDS's own context (`aws:rds:db-id`) holds the DbiResourceId, which is unknown before deploy, so it cannot be a
 * condition; `kms:ViaService` and `kms:CallerAccount` bind the use to RDS in this account instead. Managed rotation
 * rests on the grant the creating principal makes, not on a statement (see `KeyPolicyStatements.rdsInstance`).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Keys.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-permissions
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html
 */
export function rdsStatements(props: RdsKeyStatementProps): iam.PolicyStatement[] {
  const e = keyEnvironment(props);
  const account = accountRoot(props);
  const via = (service: string) => ({ 'kms:ViaService': viaService(service, e.region), 'kms:CallerAccount': e.account });
  const rdsSecrets = rdsManagedSecretArnPattern(e);
  return [
    new iam.PolicyStatement({
      sid: 'RdsStorage',
      principals: [account],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: via('rds') },
    }),
    new iam.PolicyStatement({
      sid: 'RdsGrants',
      principals: [account],
      actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
      resources: ['*'],
      // The master secret's grant may come through Secrets Manager: the RDS guide does not say which service calls.
      conditions: {
        StringEquals: { 'kms:ViaService': [via('rds')['kms:ViaService'], via('secretsmanager')['kms:ViaService']], 'kms:CallerAccount': e.account },
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'RdsMasterSecretDescribe',
      principals: [account],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: via('secretsmanager') },
    }),
    // The principal that creates the instance has Secrets Manager store the master password under the key: "the user
    // who specifies the customer managed key to encrypt the secret ... must have permissions to perform ...
    // kms:Decrypt, kms:GenerateDataKey, kms:CreateGrant" (RDS guide); Secrets Manager "acts on behalf of the user who
    // is creating or changing the secret value", calls GenerateDataKey for a new value and Decrypt only for
    // GetSecretValue, for a change of an existing version's value, and for its key checks (SecretVersionId
    // RequestToValidateKeyAccess). So the account's principals (each with its own IAM permission) may encrypt RDS-managed
    // secrets and pass the key checks, but decrypting a secret's value needs the account's delegation to IAM (default
    // mode) or a statement naming the reader (`masterUserSecret.grantRead(role)`). Managed rotation is not covered by
    // any statement here: see KeyPolicyStatements.rdsInstance's comment.
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-permissions
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz
    new iam.PolicyStatement({
      sid: 'RdsMasterSecret',
      principals: [account],
      actions: ['kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: via('secretsmanager'), StringLike: { 'kms:EncryptionContext:SecretARN': rdsSecrets } },
    }),
    new iam.PolicyStatement({
      sid: 'RdsMasterSecretKeyCheck',
      principals: [account],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: {
        StringEquals: { ...via('secretsmanager'), 'kms:EncryptionContext:SecretVersionId': SECRETS_MANAGER_KEY_CHECK },
        StringLike: { 'kms:EncryptionContext:SecretARN': rdsSecrets },
      },
    }),
    new iam.PolicyStatement({
      sid: 'RdsPerformanceInsights',
      principals: [account],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { ...via('rds'), 'kms:EncryptionContext:aws:pi:service': 'rds', 'kms:EncryptionContext:service': 'pi' } },
    }),
  ];
}
