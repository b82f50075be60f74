/**
 * RDS DB instances: storage, the RDS-managed master user secret (and its rotation), Performance Insights, Enhanced
 * Monitoring.
 */
import { awsManagedPolicy, externalRole, roleCaller } from '../evaluator';
import { delegatesToIam, keyByArn, pathsFor, roleByArn, topicByArn, via } from './common';
import { DOCS } from './docs';
import { AccessPath, Catalog, Principals, subjectOf } from './types';
import { DeployedResource, DeployedWorld } from '../world';

export const rdsCatalog: Catalog = (world, principals) => {
  const out: AccessPath[] = [];
  for (const instance of world.ofType('AWS::RDS::DBInstance')) {
    const props = world.properties(instance);
    const path = pathsFor(subjectOf(instance));
    const { partition, region, account } = instance;
    const dbArn = world.attribute(instance, 'DBInstanceArn');
    const dbiResourceId = world.attribute(instance, 'DbiResourceId');
    const viaRds = via(world, instance, 'rds');
    const viaSecretsManager = via(world, instance, 'secretsmanager');

    const storageKey = props.StorageEncrypted ? keyByArn(world, props.KmsKeyId) : undefined;
    if (storageKey) {
      const keyArn = world.attribute(storageKey, 'Arn');
      out.push(
        path('deploy', 'the deploying role has RDS describe the storage key', principals.deployer, 'kms:DescribeKey', keyArn, 'Allowed', DOCS.rdsKeyUse, { 'kms:ViaService': viaRds }),
        path('deploy', 'the deploying role has RDS create a grant for the instance\'s storage', principals.deployer, 'kms:CreateGrant', keyArn, 'Allowed', DOCS.rdsKeyUse,
          { 'kms:ViaService': viaRds, 'kms:GrantIsForAWSResource': 'true' }),
        path('deploy', 'the deploying role has RDS generate the storage data key', principals.deployer, 'kms:GenerateDataKeyWithoutPlaintext', keyArn, 'Allowed', DOCS.rdsEncryptionContext,
          { 'kms:ViaService': viaRds, 'kms:EncryptionContext:aws:rds:db-id': dbiResourceId }),
        path('deploy', 'the deploying role has RDS decrypt the storage data key', principals.deployer, 'kms:Decrypt', keyArn, 'Allowed', DOCS.rdsEncryptionContext,
          { 'kms:ViaService': viaRds, 'kms:EncryptionContext:aws:rds:db-id': dbiResourceId }),
        path('negative', 'a role of another account cannot have RDS use the storage key', principals.outsider, 'kms:CreateGrant', keyArn, 'Denied', DOCS.rdsKeyUse,
          { 'kms:ViaService': viaRds, 'kms:GrantIsForAWSResource': 'true' }),
      );
      if (!delegatesToIam(world, storageKey)) {
        out.push(path('negative', 'strict mode: an administrator of the account cannot use the storage key outside RDS', principals.otherAdmin, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsStrictMode,
          { 'kms:EncryptionContext:aws:rds:db-id': dbiResourceId }));
      }
    }

    const secretKey = props.ManageMasterUserPassword ? keyByArn(world, props.MasterUserSecret?.KmsKeyId) : undefined;
    if (secretKey) {
      const keyArn = world.attribute(secretKey, 'Arn');
      const secretArn = world.attribute(instance, 'MasterUserSecret.SecretArn');
      const secretContext = { 'kms:ViaService': viaSecretsManager, 'kms:EncryptionContext:SecretARN': secretArn, 'kms:EncryptionContext:SecretVersionId': 'a1b2c3d4-version' };
      const rdsServiceLinkedRole = externalRole('the RDS service-linked role', `arn:${partition}:iam::${account}:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS`,
        [awsManagedPolicy(`arn:${partition}:iam::aws:policy/aws-service-role/AmazonRDSServiceRolePolicy`)]);
      // Which service (RDS or Secrets Manager) makes the deploying role's DescribeKey and CreateGrant calls is not documented.
      for (const viaService of [viaRds, viaSecretsManager]) {
        out.push(
          path('deploy', `the deploying role has the master secret's key described (through ${viaService.split('.')[0]})`, principals.deployer, 'kms:DescribeKey', keyArn, 'Allowed', DOCS.rdsMasterSecret, { 'kms:ViaService': viaService }),
          path('deploy', `the deploying role has a grant created on the master secret's key (through ${viaService.split('.')[0]})`, principals.deployer, 'kms:CreateGrant', keyArn, 'Allowed', DOCS.rdsMasterSecret,
            { 'kms:ViaService': viaService, 'kms:GrantIsForAWSResource': 'true' }),
        );
      }
      // The reader of the master secret: Secrets Manager decrypts it with the reader's permissions, which must include
      // kms:Decrypt, from the reader's IAM policy where the key delegates to IAM, from a statement naming it otherwise.
      const readSecret = { name: 'read the master secret', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: secretArn }] } };
      const decryptThroughSecretsManager = { name: 'decrypt through Secrets Manager', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn, Condition: { StringEquals: { 'kms:ViaService': viaSecretsManager } } }] } };
      const secretOnly = externalRole('a reader allowed only secretsmanager:GetSecretValue on the master secret', `arn:${partition}:iam::${account}:role/MasterSecretReader`, [readSecret]);
      const withIamDecrypt = externalRole('a reader allowed GetSecretValue and, in its IAM policy, kms:Decrypt through Secrets Manager', `arn:${partition}:iam::${account}:role/MasterSecretIamReader`, [readSecret, decryptThroughSecretsManager]);
      const keyCheck = { ...secretContext, 'kms:EncryptionContext:SecretVersionId': 'RequestToValidateKeyAccess' };
      out.push(
        path('deploy', 'the deploying role has Secrets Manager encrypt the master secret', principals.deployer, 'kms:GenerateDataKey', keyArn, 'Allowed', DOCS.rdsMasterSecret, secretContext),
        path('deploy', 'the deploying role passes Secrets Manager\'s check that it may decrypt with the key', principals.deployer, 'kms:Decrypt', keyArn, 'Allowed', DOCS.secretsManagerKeyCheck, keyCheck),
        path('negative', 'managed rotation rests on the grant the deploying role has RDS create, not on the key policy: the RDS service-linked role cannot use the key by itself',
          rdsServiceLinkedRole, 'kms:GenerateDataKey', keyArn, 'Denied', DOCS.rdsManagedRotation, secretContext),
        path('negative', 'a reader allowed only secretsmanager:GetSecretValue cannot have Secrets Manager decrypt the master secret', secretOnly, 'kms:Decrypt', keyArn, 'Denied', DOCS.secretsManagerReader, secretContext),
        path('negative', 'a role of another account cannot decrypt the master secret', principals.outsider, 'kms:Decrypt', keyArn, 'Denied', DOCS.secretsManagerEncryption, secretContext),
      );
      out.push(...rotationFailurePaths(world, principals, path, secretArn, keyArn));
      for (const reader of grantedReaders(world, secretArn)) {
        out.push(path('runtime', `a reader named by masterUserSecret.grantRead (${reader.logicalId}) has Secrets Manager decrypt the master secret`,
          roleCaller(world, reader, `the reader ${reader.logicalId}`), 'kms:Decrypt', keyArn, 'Allowed', DOCS.secretsManagerReader, secretContext));
      }
      if (delegatesToIam(world, secretKey)) {
        out.push(path('runtime', 'a reader whose IAM policy also allows kms:Decrypt has Secrets Manager decrypt the master secret', withIamDecrypt, 'kms:Decrypt', keyArn, 'Allowed', DOCS.secretsManagerReader, secretContext));
      } else {
        out.push(
          path('negative', 'strict mode: a reader whose IAM policy allows kms:Decrypt, but which no grant names, cannot have Secrets Manager decrypt the master secret', withIamDecrypt, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsStrictMode, secretContext),
          path('negative', 'strict mode: an administrator of the account cannot have Secrets Manager decrypt the master secret', principals.otherAdmin, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsStrictMode, secretContext),
          path('negative', 'strict mode: an administrator of the account cannot decrypt the master secret other than through Secrets Manager', principals.otherAdmin, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsStrictMode,
            { 'kms:EncryptionContext:SecretARN': secretArn }),
        );
      }
    }

    const piKey = props.EnablePerformanceInsights ? keyByArn(world, props.PerformanceInsightsKMSKeyId) : undefined;
    if (piKey) {
      const keyArn = world.attribute(piKey, 'Arn');
      const piContext = { 'kms:ViaService': viaRds, 'kms:EncryptionContext:aws:pi:service': 'rds', 'kms:EncryptionContext:service': 'pi', 'kms:EncryptionContext:aws:rds:db-id': dbiResourceId };
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        out.push(path('runtime', `a Performance Insights user of the account may ${action.slice(4)} through RDS`, principals.deployer, action, keyArn, 'Allowed', DOCS.rdsPerformanceInsights, piContext));
      }
      out.push(path('negative', 'a role of another account cannot read Performance Insights data', principals.outsider, 'kms:Decrypt', keyArn, 'Denied', DOCS.rdsPerformanceInsights, piContext));
    }

    const monitoringRole = roleByArn(world, props.MonitoringRoleArn);
    if (monitoringRole) {
      const roleArn = world.attribute(monitoringRole, 'Arn');
      out.push(
        path('runtime', 'Enhanced Monitoring assumes the monitoring role for this instance', principals.service('monitoring.rds.amazonaws.com'), 'sts:AssumeRole', roleArn, 'Allowed', DOCS.rdsEnhancedMonitoring,
          { 'aws:SourceArn': dbArn, 'aws:SourceAccount': account }),
        path('negative', 'Enhanced Monitoring cannot assume the role for another account\'s instance', principals.service('monitoring.rds.amazonaws.com'), 'sts:AssumeRole', roleArn, 'Denied', DOCS.rdsEnhancedMonitoring,
          { 'aws:SourceArn': `arn:${partition}:rds:${region}:999988887777:db:other`, 'aws:SourceAccount': '999988887777' }),
      );
    }
  }
  return out;
};

/**
 * The master secret's rotation-failure alert: EventBridge delivers the secret's `RotationFailed` events to the alert
 * topic of the rule that names the secret (the generic alert paths check the topic's key and dead-letter queue), and
 * never through the key that encrypts the secret, whose loss the alert may report.
 */
function rotationFailurePaths(world: DeployedWorld, principals: Principals, path: ReturnType<typeof pathsFor>, secretArn: string, secretKeyArn: string): AccessPath[] {
  const out: AccessPath[] = [];
  const events = principals.service('events.amazonaws.com');
  const rules = world.ofType('AWS::Events::Rule').filter(rule => [world.properties(rule).EventPattern?.detail?.additionalEventData?.SecretId].flat().includes(secretArn));
  if (rules.length === 0) throw new Error(`no rule alerts on a failed rotation of the master secret ${secretArn}`);
  for (const rule of rules) {
    const source = { 'aws:SourceArn': world.attribute(rule, 'Arn'), 'aws:SourceAccount': rule.account };
    for (const target of world.properties(rule).Targets ?? []) {
      const topic = topicByArn(world, target.Arn);
      if (!topic) continue;
      out.push(path('alert', `EventBridge delivers the rotation-failure event of the master secret to the alert topic ${topic.logicalId}`, events, 'sns:Publish', world.ref(topic),
        'Allowed', DOCS.secretsManagerRotationFailedEvent, source, ['aws:SourceAccount']));
      out.push(path('negative', 'the rotation-failure alert does not travel through the master secret\'s key: EventBridge cannot use it', events, 'kms:GenerateDataKey', secretKeyArn,
        'Denied', DOCS.secretsManagerRotationFailedEvent, { ...source, 'kms:ViaService': via(world, topic, 'sns') }));
    }
  }
  return out;
}

/**
 * The roles of the world whose IAM policy (an `AWS::IAM::Policy`, as `secret.grantRead` writes) allows
 * `secretsmanager:GetSecretValue` on the secret. Only policies that mention the action are resolved.
 */
function grantedReaders(world: DeployedWorld, secretArn: string): DeployedResource[] {
  const roleNames = world.ofType('AWS::IAM::Policy')
    .filter(policy => JSON.stringify(policy.rawProperties).includes('secretsmanager:GetSecretValue'))
    .map(policy => world.properties(policy))
    .filter(p => [p.PolicyDocument.Statement].flat().some((s: any) => s.Effect === 'Allow'
      && [s.Action].flat().includes('secretsmanager:GetSecretValue') && [s.Resource].flat().includes(secretArn)))
    .flatMap(p => p.Roles ?? []);
  return world.ofType('AWS::IAM::Role').filter(role => roleNames.includes(world.ref(role)));
}
