/**
 * RDS DB instances and Aurora DB clusters: storage, the RDS-managed master user secret (and its rotation-failure
 * alert), the exported log groups, IAM database authentication, Performance Insights and Enhanced Monitoring.
 *
 * A DB instance and an Aurora cluster share one set of key statements, so they share the paths below, each given the
 * database's own identifiers (resource id, storage encryption context, log group names, doc pages). Performance
 * Insights and Enhanced Monitoring run per DB instance (an Aurora cluster's writer and readers are DB instances of the
 * world): their paths come from the instance, with the instance's own DbiResourceId and ARN.
 */
import { awsManagedPolicy, externalRole, roleCaller } from '../evaluator';
import { delegatesToIam, keyByArn, pathsFor, roleByArn, topicByArn, via } from './common';
import { DOCS } from './docs';
import { AccessPath, Catalog, DocRef, Principals, subjectOf } from './types';
import { DeployedResource, DeployedWorld } from '../world';

/** A database of the world, with what its paths need to know about it. */
interface Database {
  readonly resource: DeployedResource;
  /** `instance` or `cluster`, for the descriptions. */
  readonly noun: string;
  /** The id IAM database authentication names: the DbiResourceId or the DbClusterResourceId. */
  readonly resourceId: string;
  /** The encryption context RDS sends for the storage's data keys, as request context keys (none documented for a cluster). */
  readonly storageContext: Record<string, string>;
  /** The log group RDS exports a log type to, for this database's identifier or another's. */
  readonly logGroupName: (identifier: string, logType: string) => string;
  readonly docs: { readonly keyUse: DocRef; readonly storageContext: DocRef; readonly masterSecret: DocRef; readonly logs: DocRef; readonly iamAuth: DocRef };
}

type PathBuilder = ReturnType<typeof pathsFor>;

export const rdsCatalog: Catalog = (world, principals) => {
  const instances = world.ofType('AWS::RDS::DBInstance').map(instance => instanceDatabase(world, instance));
  const clusters = world.ofType('AWS::RDS::DBCluster').map(cluster => clusterDatabase(world, cluster));
  unmatchedGrants(world, [...instances, ...clusters]);
  return [
    ...instances.flatMap(db => [
      ...databasePaths(world, principals, db), ...performanceInsightsPaths(world, principals, db.resource), ...monitoringPaths(world, principals, db.resource),
    ]),
    ...clusters.flatMap(db => databasePaths(world, principals, db)),
  ];
};

function instanceDatabase(world: DeployedWorld, instance: DeployedResource): Database {
  return {
    resource: instance,
    noun: 'instance',
    resourceId: world.attribute(instance, 'DbiResourceId'),
    storageContext: { 'kms:EncryptionContext:aws:rds:db-id': world.attribute(instance, 'DbiResourceId') },
    // "/aws/rds/instance/my_instance/slowquery" (RDS user guide)
    logGroupName: (identifier, logType) => `/aws/rds/instance/${identifier}/${logType}`,
    docs: { keyUse: DOCS.rdsKeyUse, storageContext: DOCS.rdsEncryptionContext, masterSecret: DOCS.rdsMasterSecret, logs: DOCS.rdsExportedLogs, iamAuth: DOCS.rdsIamAuthPolicy },
  };
}

function clusterDatabase(world: DeployedWorld, cluster: DeployedResource): Database {
  return {
    resource: cluster,
    noun: 'cluster',
    resourceId: world.attribute(cluster, 'DBClusterResourceId'),
    // The docs give RDS's storage context for a DB instance only (aws:rds:db-id); for an Aurora cluster volume they
    // are silent, so no context key is invented here: the storage paths rest on kms:ViaService alone.
    storageContext: {},
    // "/aws/rds/cluster/cluster-name/log_type" (Aurora user guide)
    logGroupName: (identifier, logType) => `/aws/rds/cluster/${identifier}/${logType}`,
    docs: {
      keyUse: DOCS.auroraKeyUse, storageContext: DOCS.auroraStorageContext, masterSecret: DOCS.auroraMasterSecret, logs: DOCS.auroraExportedLogs, iamAuth: DOCS.auroraIamAuthPolicy,
    },
  };
}

/**
 * A grant on a database user or an RDS-managed secret that names no database of the world would leave its grantee
 * without a path here (the paths follow the databases), and without access once deployed: it fails loudly.
 */
function unmatchedGrants(world: DeployedWorld, databases: Database[]): void {
  const known = databases.flatMap(db => {
    const { partition, region, account } = db.resource;
    const secret = world.properties(db.resource).ManageMasterUserPassword ? [world.attribute(db.resource, 'MasterUserSecret.SecretArn')] : [];
    return [`arn:${partition}:rds-db:${region}:${account}:dbuser:${db.resourceId}/`, ...secret];
  });
  const unmatched = [
    ...grantees(world, 'rds-db:connect', () => true),
    ...grantees(world, 'secretsmanager:GetSecretValue', resource => resource.includes(':secret:rds!')),
  ].flatMap(({ role, resources }) => resources.filter(r => !known.some(k => r.startsWith(k))).map(r => `${role.logicalId}: ${r}`));
  if (unmatched.length > 0) throw new Error(`grants on no database of the world: ${unmatched.join('; ')}`);
}

/** The paths every database has: storage, master secret, exported logs, IAM database authentication. */
function databasePaths(world: DeployedWorld, principals: Principals, db: Database): AccessPath[] {
  const props = world.properties(db.resource);
  const storageKey = props.StorageEncrypted ? keyByArn(world, props.KmsKeyId) : undefined;
  const secretKey = props.ManageMasterUserPassword ? keyByArn(world, props.MasterUserSecret?.KmsKeyId) : undefined;
  return [
    ...(storageKey ? storagePaths(world, principals, db, storageKey) : []),
    ...(secretKey ? masterSecretPaths(world, principals, db, secretKey) : []),
    ...exportedLogPaths(world, principals, db),
    ...iamAuthenticationPaths(world, db),
  ];
}

/** The creating principal has RDS use the storage key; nobody else, and nothing outside RDS in strict mode. */
function storagePaths(world: DeployedWorld, principals: Principals, db: Database, key: DeployedResource): AccessPath[] {
  const path = pathsFor(subjectOf(db.resource));
  const keyArn = world.attribute(key, 'Arn');
  const viaRds = via(world, db.resource, 'rds');
  const grant = { 'kms:ViaService': viaRds, 'kms:GrantIsForAWSResource': 'true' };
  const out = [
    path('deploy', 'the deploying role has RDS describe the storage key', principals.deployer, 'kms:DescribeKey', keyArn, 'Allowed', db.docs.keyUse, { 'kms:ViaService': viaRds }),
    path('deploy', `the deploying role has RDS create a grant for the ${db.noun}'s storage`, principals.deployer, 'kms:CreateGrant', keyArn, 'Allowed', db.docs.keyUse, grant),
    path('deploy', 'the deploying role has RDS generate the storage data key', principals.deployer, 'kms:GenerateDataKeyWithoutPlaintext', keyArn, 'Allowed', db.docs.storageContext,
      { 'kms:ViaService': viaRds, ...db.storageContext }),
    path('deploy', 'the deploying role has RDS decrypt the storage data key', principals.deployer, 'kms:Decrypt', keyArn, 'Allowed', db.docs.storageContext,
      { 'kms:ViaService': viaRds, ...db.storageContext }),
    path('negative', 'a role of another account cannot have RDS use the storage key', principals.outsider, 'kms:CreateGrant', keyArn, 'Denied', db.docs.keyUse, grant),
  ];
  if (!delegatesToIam(world, key)) {
    out.push(path('negative', 'strict mode: an administrator of the account cannot use the storage key outside RDS', principals.otherAdmin, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsStrictMode,
      db.storageContext));
  }
  return out;
}

/**
 * The master user secret RDS keeps in Secrets Manager on the key: created by the deploying role through RDS and
 * Secrets Manager, read by the readers the key names (or, where the key delegates to IAM, whose IAM policy allows it),
 * its rotation failures alerted through other keys.
 */
function masterSecretPaths(world: DeployedWorld, principals: Principals, db: Database, key: DeployedResource): AccessPath[] {
  const path = pathsFor(subjectOf(db.resource));
  const { partition, account } = db.resource;
  const keyArn = world.attribute(key, 'Arn');
  const secretArn = world.attribute(db.resource, 'MasterUserSecret.SecretArn');
  const viaRds = via(world, db.resource, 'rds');
  const viaSecretsManager = via(world, db.resource, 'secretsmanager');
  const secretContext = { 'kms:ViaService': viaSecretsManager, 'kms:EncryptionContext:SecretARN': secretArn, 'kms:EncryptionContext:SecretVersionId': 'a1b2c3d4-version' };
  const rdsServiceLinkedRole = externalRole('the RDS service-linked role', `arn:${partition}:iam::${account}:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS`,
    [awsManagedPolicy(`arn:${partition}:iam::aws:policy/aws-service-role/AmazonRDSServiceRolePolicy`)]);
  const out: AccessPath[] = [];
  // Which service (RDS or Secrets Manager) makes the deploying role's DescribeKey and CreateGrant calls is not documented.
  for (const viaService of [viaRds, viaSecretsManager]) {
    out.push(
      path('deploy', `the deploying role has the master secret's key described (through ${viaService.split('.')[0]})`, principals.deployer, 'kms:DescribeKey', keyArn, 'Allowed', db.docs.masterSecret, { 'kms:ViaService': viaService }),
      path('deploy', `the deploying role has a grant created on the master secret's key (through ${viaService.split('.')[0]})`, principals.deployer, 'kms:CreateGrant', keyArn, 'Allowed', db.docs.masterSecret,
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
    path('deploy', 'the deploying role has Secrets Manager encrypt the master secret', principals.deployer, 'kms:GenerateDataKey', keyArn, 'Allowed', db.docs.masterSecret, secretContext),
    path('deploy', 'the deploying role passes Secrets Manager\'s check that it may decrypt with the key', principals.deployer, 'kms:Decrypt', keyArn, 'Allowed', DOCS.secretsManagerKeyCheck, keyCheck),
    path('negative', 'managed rotation rests on the grant the deploying role has RDS create, not on the key policy: the RDS service-linked role cannot use the key by itself',
      rdsServiceLinkedRole, 'kms:GenerateDataKey', keyArn, 'Denied', DOCS.rdsManagedRotation, secretContext),
    path('negative', 'a reader allowed only secretsmanager:GetSecretValue cannot have Secrets Manager decrypt the master secret', secretOnly, 'kms:Decrypt', keyArn, 'Denied', DOCS.secretsManagerReader, secretContext),
    path('negative', 'a role of another account cannot decrypt the master secret', principals.outsider, 'kms:Decrypt', keyArn, 'Denied', DOCS.secretsManagerEncryption, secretContext),
  );
  out.push(...rotationFailurePaths(world, principals, path, secretArn, keyArn));
  for (const { role } of grantees(world, 'secretsmanager:GetSecretValue', resource => resource === secretArn)) {
    out.push(path('runtime', `a reader named by masterUserSecret.grantRead (${role.logicalId}) has Secrets Manager decrypt the master secret`,
      roleCaller(world, role, `the reader ${role.logicalId}`), 'kms:Decrypt', keyArn, 'Allowed', DOCS.secretsManagerReader, secretContext));
  }
  if (delegatesToIam(world, key)) {
    out.push(path('runtime', 'a reader whose IAM policy also allows kms:Decrypt has Secrets Manager decrypt the master secret', withIamDecrypt, 'kms:Decrypt', keyArn, 'Allowed', DOCS.secretsManagerReader, secretContext));
  } else {
    out.push(
      path('negative', 'strict mode: a reader whose IAM policy allows kms:Decrypt, but which no grant names, cannot have Secrets Manager decrypt the master secret', withIamDecrypt, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsStrictMode, secretContext),
      path('negative', 'strict mode: an administrator of the account cannot have Secrets Manager decrypt the master secret', principals.otherAdmin, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsStrictMode, secretContext),
      path('negative', 'strict mode: an administrator of the account cannot decrypt the master secret other than through Secrets Manager', principals.otherAdmin, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsStrictMode,
        { 'kms:EncryptionContext:SecretARN': secretArn }),
    );
  }
  return out;
}

/**
 * The log types the database exports go to the log groups RDS names after it, which the templates must create first
 * on a key (else RDS creates them unencrypted): CloudWatch Logs may use that key for those log groups, and not for
 * another database's log group of the same type (a wildcard over RDS's prefix would allow it).
 */
function exportedLogPaths(world: DeployedWorld, principals: Principals, db: Database): AccessPath[] {
  const path = pathsFor(subjectOf(db.resource));
  const { partition, region, account } = db.resource;
  const logs = principals.service(`logs.${region}.amazonaws.com`);
  const groupArn = (name: string) => `arn:${partition}:logs:${region}:${account}:log-group:${name}`;
  const out: AccessPath[] = [];
  for (const logType of world.properties(db.resource).EnableCloudwatchLogsExports ?? []) {
    const name = db.logGroupName(world.ref(db.resource), logType);
    const group = world.ofType('AWS::Logs::LogGroup').find(g => g.account === account && g.region === region && world.properties(g).LogGroupName === name);
    const key = group ? keyByArn(world, world.properties(group).KmsKeyId) : undefined;
    if (!key) throw new Error(`${subjectOf(db.resource)} exports its ${logType} log to ${name}, which no log group of the templates creates on a key: RDS would create it unencrypted`);
    const keyArn = world.attribute(key, 'Arn');
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      out.push(path('runtime', `CloudWatch Logs may ${action.slice(4)} the ${logType} log RDS exports to ${name}`, logs, action, keyArn, 'Allowed', db.docs.logs,
        { 'kms:EncryptionContext:aws:logs:arn': groupArn(name) }));
    }
    out.push(path('negative', `CloudWatch Logs cannot use the key for another ${db.noun}'s ${logType} log`, logs, 'kms:Decrypt', keyArn, 'Denied', db.docs.logs,
      { 'kms:EncryptionContext:aws:logs:arn': groupArn(db.logGroupName(`another-${db.noun}`, logType)) }));
  }
  return out;
}

/**
 * IAM database authentication: each role granted `rds-db:connect` on a user of this database (`grantConnect`) may
 * connect as that user, not as another user of it (the master user), nor as that user of another database.
 */
function iamAuthenticationPaths(world: DeployedWorld, db: Database): AccessPath[] {
  const path = pathsFor(subjectOf(db.resource));
  const { partition, region, account } = db.resource;
  const dbUser = (resourceId: string, user: string) => `arn:${partition}:rds-db:${region}:${account}:dbuser:${resourceId}/${user}`;
  const prefix = dbUser(db.resourceId, '');
  const masterUser = String(world.properties(db.resource).MasterUsername ?? 'dbadmin');
  const out: AccessPath[] = [];
  for (const { role, resources } of grantees(world, 'rds-db:connect', resource => resource.startsWith(prefix))) {
    const caller = roleCaller(world, role, `the role ${role.logicalId} granted connect`);
    for (const user of resources.map(r => r.slice(prefix.length))) {
      const other = user === masterUser ? 'another_user' : masterUser;
      out.push(
        path('runtime', `${role.logicalId} connects to the ${db.noun} as ${user} with IAM database authentication`, caller, 'rds-db:connect', dbUser(db.resourceId, user), 'Allowed', db.docs.iamAuth),
        path('negative', `${role.logicalId} cannot connect to the ${db.noun} as ${other}`, caller, 'rds-db:connect', dbUser(db.resourceId, other), 'Denied', db.docs.iamAuth),
        path('negative', `${role.logicalId} cannot connect as ${user} to another ${db.noun}`, caller, 'rds-db:connect', dbUser(`${db.resourceId.split('-')[0]}-ANOTHERRESOURCEID0123456789`, user), 'Denied', db.docs.iamAuth),
      );
    }
  }
  return out;
}

/**
 * Performance Insights, per DB instance (also each instance of an Aurora cluster): its users of the account may use
 * the key through RDS under the instance's context.
 */
function performanceInsightsPaths(world: DeployedWorld, principals: Principals, instance: DeployedResource): AccessPath[] {
  const props = world.properties(instance);
  const key = props.EnablePerformanceInsights ? keyByArn(world, props.PerformanceInsightsKMSKeyId) : undefined;
  if (!key) return [];
  const path = pathsFor(subjectOf(instance));
  const keyArn = world.attribute(key, 'Arn');
  const piContext = {
    'kms:ViaService': via(world, instance, 'rds'),
    'kms:EncryptionContext:aws:pi:service': 'rds',
    'kms:EncryptionContext:service': 'pi',
    'kms:EncryptionContext:aws:rds:db-id': world.attribute(instance, 'DbiResourceId'),
  };
  return [
    ...['kms:GenerateDataKey', 'kms:Decrypt'].map(action =>
      path('runtime', `a Performance Insights user of the account may ${action.slice(4)} through RDS`, principals.deployer, action, keyArn, 'Allowed', DOCS.rdsPerformanceInsights, piContext)),
    path('negative', 'a role of another account cannot read Performance Insights data', principals.outsider, 'kms:Decrypt', keyArn, 'Denied', DOCS.rdsPerformanceInsights, piContext),
  ];
}

/** Enhanced Monitoring, per DB instance: the monitoring service assumes the role for this instance, not another account's. */
function monitoringPaths(world: DeployedWorld, principals: Principals, instance: DeployedResource): AccessPath[] {
  const role = roleByArn(world, world.properties(instance).MonitoringRoleArn);
  if (!role) return [];
  const path = pathsFor(subjectOf(instance));
  const { partition, region, account } = instance;
  const roleArn = world.attribute(role, 'Arn');
  const monitoring = principals.service('monitoring.rds.amazonaws.com');
  return [
    path('runtime', 'Enhanced Monitoring assumes the monitoring role for this instance', monitoring, 'sts:AssumeRole', roleArn, 'Allowed', DOCS.rdsEnhancedMonitoring,
      { 'aws:SourceArn': world.attribute(instance, 'DBInstanceArn'), 'aws:SourceAccount': account }),
    path('negative', 'Enhanced Monitoring cannot assume the role for another account\'s instance', monitoring, 'sts:AssumeRole', roleArn, 'Denied', DOCS.rdsEnhancedMonitoring,
      { 'aws:SourceArn': `arn:${partition}:rds:${region}:999988887777:db:other`, 'aws:SourceAccount': '999988887777' }),
  ];
}

/**
 * The master secret's rotation-failure alert: EventBridge delivers the secret's `RotationFailed` events to the alert
 * topic of the rule that names the secret (the generic alert paths check the topic's key and dead-letter queue), and
 * never through the key that encrypts the secret, whose loss the alert may report.
 */
function rotationFailurePaths(world: DeployedWorld, principals: Principals, path: PathBuilder, secretArn: string, secretKeyArn: string): AccessPath[] {
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
 * The roles of the world whose IAM policy (an `AWS::IAM::Policy`, as aws-cdk-lib's grant methods write) allows
 * `action` on resources `accepts` takes, with those resources. Only policies that mention the action are resolved.
 */
function grantees(world: DeployedWorld, action: string, accepts: (resource: string) => boolean): Array<{ role: DeployedResource; resources: string[] }> {
  const byRole = new Map<string, Set<string>>();
  for (const policy of world.ofType('AWS::IAM::Policy').filter(p => JSON.stringify(p.rawProperties).includes(action))) {
    const props = world.properties(policy);
    const resources = [props.PolicyDocument.Statement].flat()
      .filter((s: any) => s.Effect === 'Allow' && [s.Action].flat().includes(action))
      .flatMap((s: any) => [s.Resource].flat().filter((r: unknown): r is string => typeof r === 'string' && accepts(r)));
    if (resources.length === 0) continue;
    for (const roleName of props.Roles ?? []) byRole.set(roleName, new Set([...byRole.get(roleName) ?? [], ...resources]));
  }
  return world.ofType('AWS::IAM::Role').filter(role => byRole.has(world.ref(role))).map(role => ({ role, resources: [...byRole.get(world.ref(role))!] }));
}
