/**
 * The deploy-time verifier: the calls come from the handler itself. For each `Custom::EncryptionVerification` of the
 * world, the real checks run against fake clients that answer as the deployed resources would and record every
 * command; each command becomes a path for the verifier role, with the resource ARN the API authorizes against.
 *
 * The verification runs while CloudFormation waits, so its paths are checked synchronously here (the checks are
 * async only because the clients are): see {@link recordVerifierCalls}.
 */
import { roleCaller } from '../evaluator';
import { DeployedResource, DeployedWorld } from '../world';
import { keyByArn, pathsFor, roleByArn, via } from './common';
import { DOCS } from './docs';
import { AccessPath, Catalog, DocRef, subjectOf } from './types';
import { runChecks } from '../../../src/verifier/checks';
import { parseProperties } from '../../../src/verifier/protocol';
import { createSession, VerifierClients } from '../../../src/verifier/session';

/** One command the handler sent. */
export interface RecordedCommand {
  readonly command: string;
  readonly input: Record<string, any>;
}

/** What the verifier's commands mean to IAM: the action, the ARN it is authorized against, the context. */
export interface IamForm {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
  readonly doc: DocRef;
}

/**
 * The IAM form of each command the handler may send (Service Authorization Reference resource types). A command the
 * handler sends that is not here fails the proof: its permission would be unproven.
 */
export function iamFormOf(resource: DeployedResource, keyArn: string, recorded: RecordedCommand): IamForm {
  const { partition, region, account } = resource;
  const arn = (service: string, rest: string) => `arn:${partition}:${service}:${region}:${account}:${rest}`;
  const kmsKey = (id: string | undefined) => (id === undefined || id === keyArn || !id.startsWith('arn:') ? keyArn : id);
  const encryptionContext = (ec: Record<string, string> | undefined) =>
    Object.fromEntries(Object.entries(ec ?? {}).map(([k, v]) => [`kms:EncryptionContext:${k}`, v]));
  const i = recorded.input;
  switch (recorded.command) {
    case 'DescribeKeyCommand': return { action: 'kms:DescribeKey', resource: kmsKey(i.KeyId), doc: DOCS.kmsResourceTypes };
    case 'GetKeyRotationStatusCommand': return { action: 'kms:GetKeyRotationStatus', resource: kmsKey(i.KeyId), doc: DOCS.kmsResourceTypes };
    case 'ListResourceTagsCommand': return { action: 'kms:ListResourceTags', resource: kmsKey(i.KeyId), doc: DOCS.kmsResourceTypes };
    case 'GenerateDataKeyCommand': return { action: 'kms:GenerateDataKey', resource: kmsKey(i.KeyId), context: encryptionContext(i.EncryptionContext), doc: DOCS.kmsEncryptionContextCondition };
    case 'DecryptCommand': return { action: 'kms:Decrypt', resource: kmsKey(i.KeyId), context: encryptionContext(i.EncryptionContext), doc: DOCS.kmsEncryptionContextCondition };
    case 'GetScheduleCommand': return { action: 'scheduler:GetSchedule', resource: arn('scheduler', `schedule/${i.GroupName ?? 'default'}/${i.Name}`), doc: DOCS.schedulerResourceTypes };
    case 'DescribeEventBusCommand': return { action: 'events:DescribeEventBus', resource: arn('events', `event-bus/${i.Name}`), doc: DOCS.eventsResourceTypes };
    case 'DescribeArchiveCommand': return { action: 'events:DescribeArchive', resource: arn('events', `archive/${i.ArchiveName}`), doc: DOCS.eventsResourceTypes };
    // IAM authorizes connection actions against connection/<name>, not the /<uuid> form of Fn::GetAtt Arn.
    case 'DescribeConnectionCommand': return { action: 'events:DescribeConnection', resource: arn('events', `connection/${i.Name}`), doc: DOCS.eventsConnectionArnForPolicy };
    case 'DescribeSecretCommand': return { action: 'secretsmanager:DescribeSecret', resource: i.SecretId, doc: DOCS.secretsManagerResourceTypes };
    case 'DescribeDBInstancesCommand': return { action: 'rds:DescribeDBInstances', resource: arn('rds', `db:${i.DBInstanceIdentifier}`), doc: DOCS.rdsResourceTypes };
    case 'DescribeDBClustersCommand': return { action: 'rds:DescribeDBClusters', resource: arn('rds', `cluster:${i.DBClusterIdentifier}`), doc: DOCS.rdsClusterResourceType };
    // The call names the queue by its URL (https://sqs.<region>.amazonaws.com/<account>/<name>); IAM authorizes the queue ARN.
    case 'GetQueueAttributesCommand': {
      const [owner, name] = new URL(i.QueueUrl).pathname.split('/').slice(1);
      return { action: 'sqs:GetQueueAttributes', resource: `arn:${partition}:sqs:${region}:${owner}:${name}`, doc: DOCS.sqsResourceTypes };
    }
    case 'GetTopicAttributesCommand': return { action: 'sns:GetTopicAttributes', resource: i.TopicArn, doc: DOCS.snsResourceTypes };
    case 'DescribeStreamSummaryCommand': return { action: 'kinesis:DescribeStreamSummary', resource: i.StreamARN, doc: DOCS.kinesisResourceTypes };
    default:
      throw new Error(`the verifier sent ${recorded.command}, which has no IAM form in the access-path catalog (test/access/catalog/verifier.ts)`);
  }
}

/**
 * Runs the verifier's checks for one custom resource against fake clients that answer as the deployed world would
 * (healthy resources on the right key), and returns every command sent, in order.
 */
export async function recordVerifierCalls(world: DeployedWorld, verification: DeployedResource): Promise<RecordedCommand[]> {
  const parsed = parseProperties(world.properties(verification));
  if (!parsed.ok) throw new Error(`the verification ${verification.logicalId} has invalid properties: ${parsed.problems.join('; ')}`);
  const request = parsed.request;
  const keyArn = request.keyArn;
  const key = keyByArn(world, keyArn);
  const tags = key ? Object.entries(world.tags(key)).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) : [];
  const recorded: RecordedCommand[] = [];
  const dataKey = () => Uint8Array.from(Buffer.from('0123456789abcdef0123456789abcdef'));
  const ciphertext = Uint8Array.from(Buffer.from(`ciphertext:${JSON.stringify(request.context)}`));
  const find = (type: string, name: string) => world.ofType(type).find(r => world.nameOf(r) === name);

  const answer = (command: string, input: any): any => {
    switch (command) {
      case 'DescribeKeyCommand':
        return { KeyMetadata: { KeyId: keyArn.split('/').pop(), Arn: keyArn, KeyState: 'Enabled', Enabled: true, KeyManager: 'CUSTOMER', KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', Origin: 'AWS_KMS' } };
      case 'GetKeyRotationStatusCommand': return { KeyRotationEnabled: true, KeyId: keyArn };
      case 'ListResourceTagsCommand': return { Tags: tags, Truncated: false };
      case 'GenerateDataKeyCommand': return { KeyId: keyArn, Plaintext: dataKey(), CiphertextBlob: ciphertext };
      case 'DecryptCommand':
        if (JSON.stringify(input.EncryptionContext) !== JSON.stringify(request.context)) {
          throw Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
        }
        return { KeyId: keyArn, Plaintext: dataKey() };
      case 'GetScheduleCommand': return { Name: input.Name, GroupName: input.GroupName, KmsKeyArn: keyArn };
      case 'DescribeEventBusCommand': return { Name: input.Name, KmsKeyIdentifier: keyArn };
      case 'DescribeArchiveCommand': return { ArchiveName: input.ArchiveName, KmsKeyIdentifier: keyArn };
      case 'DescribeConnectionCommand': {
        // A connection the templates do not hold (a building-block test names one by hand) gets a secret of the right form.
        const connection = find('AWS::Events::Connection', input.Name);
        const secretArn = connection ? world.attribute(connection, 'SecretArn')
          : `arn:${verification.partition}:secretsmanager:${verification.region}:${verification.account}:secret:events!connection/${input.Name}/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d-AbCdEf`;
        return { Name: input.Name, ConnectionState: 'AUTHORIZED', KmsKeyIdentifier: keyArn, SecretArn: secretArn };
      }
      case 'DescribeSecretCommand': return { ARN: input.SecretId, KmsKeyId: keyArn };
      case 'DescribeDBInstancesCommand': {
        const instance = find('AWS::RDS::DBInstance', input.DBInstanceIdentifier);
        const secretArn = instance ? world.attribute(instance, 'MasterUserSecret.SecretArn')
          : `arn:${verification.partition}:secretsmanager:${verification.region}:${verification.account}:secret:rds!db-0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d-abcdef`;
        return {
          DBInstances: [{
            DBInstanceIdentifier: input.DBInstanceIdentifier,
            StorageEncrypted: true,
            KmsKeyId: keyArn,
            MasterUserSecret: { SecretArn: secretArn, KmsKeyId: keyArn },
            PerformanceInsightsEnabled: true,
            PerformanceInsightsKMSKeyId: keyArn,
          }],
        };
      }
      case 'DescribeDBClustersCommand': {
        const cluster = find('AWS::RDS::DBCluster', input.DBClusterIdentifier);
        const secretArn = cluster ? world.attribute(cluster, 'MasterUserSecret.SecretArn')
          : `arn:${verification.partition}:secretsmanager:${verification.region}:${verification.account}:secret:rds!cluster-0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d-abcdef`;
        return {
          DBClusters: [{
            DBClusterIdentifier: input.DBClusterIdentifier,
            StorageEncrypted: true,
            KmsKeyId: keyArn,
            MasterUserSecret: { SecretArn: secretArn, KmsKeyId: keyArn },
            PerformanceInsightsEnabled: true,
            PerformanceInsightsKMSKeyId: keyArn,
          }],
        };
      }
      // The target resources answer with the key their templates give them (a key ARN, or an id DescribeKey resolves).
      case 'GetQueueAttributesCommand': {
        const queue = world.ofType('AWS::SQS::Queue').find(q => world.ref(q) === input.QueueUrl);
        return { Attributes: { KmsMasterKeyId: queue ? world.properties(queue).KmsMasterKeyId : keyArn, SqsManagedSseEnabled: 'false' } };
      }
      case 'GetTopicAttributesCommand': {
        const topic = world.ofType('AWS::SNS::Topic').find(t => world.ref(t) === input.TopicArn);
        return { Attributes: { TopicArn: input.TopicArn, KmsMasterKeyId: topic ? world.properties(topic).KmsMasterKeyId : keyArn } };
      }
      case 'DescribeStreamSummaryCommand': {
        const stream = world.ofType('AWS::Kinesis::Stream').find(k => world.attribute(k, 'Arn') === input.StreamARN);
        const encryption = stream ? world.properties(stream).StreamEncryption ?? { EncryptionType: 'NONE' } : { EncryptionType: 'KMS', KeyId: keyArn };
        return { StreamDescriptionSummary: { StreamARN: input.StreamARN, EncryptionType: encryption.EncryptionType, KeyId: encryption.KeyId } };
      }
      default:
        throw new Error(`the fake AWS of the access-path proof has no answer for ${command}`);
    }
  };
  const client = () => ({
    send: async (command: any) => {
      const name = command.constructor.name;
      recorded.push({ command: name, input: command.input });
      return answer(name, command.input);
    },
  });
  const clients = {
    kms: client(), scheduler: client(), events: client(), secretsManager: client(), rds: client(), sqs: client(), sns: client(), kinesis: client(),
  } as unknown as VerifierClients;
  const session = createSession(clients, request, { deadline: Number.MAX_SAFE_INTEGER, now: () => 0, sleep: async () => {}, random: () => 0 });
  const outcomes = await runChecks(session);
  const failed = outcomes.filter(o => !o.passed);
  if (failed.length > 0) throw new Error(`the verifier failed against the modelled world: ${failed.map(f => `${f.name}: ${f.detail}`).join('; ')}`);
  return recorded;
}

/** Recorded commands per verification, filled by {@link prepareVerifierCalls} before the catalog runs. */
const recordings = new WeakMap<DeployedWorld, Map<string, RecordedCommand[]>>();

/** Runs the verifier against the world once, so the (synchronous) catalog can read its commands. */
export async function prepareVerifierCalls(world: DeployedWorld): Promise<void> {
  const byResource = new Map<string, RecordedCommand[]>();
  for (const verification of world.ofType('Custom::EncryptionVerification')) {
    byResource.set(`${verification.stackName}/${verification.logicalId}`, await recordVerifierCalls(world, verification));
  }
  recordings.set(world, byResource);
}

export const verifierCatalog: Catalog = (world, principals) => {
  const out: AccessPath[] = [];
  const recorded = recordings.get(world);
  const verifications = world.ofType('Custom::EncryptionVerification');
  if (verifications.length > 0 && !recorded) throw new Error('call prepareVerifierCalls(world) before the verifier catalog');
  const seenFunctions = new Set<string>();
  for (const verification of verifications) {
    const props = world.properties(verification);
    const path = pathsFor(subjectOf(verification));
    const fn = world.ofType('AWS::Lambda::Function').find(f => world.attribute(f, 'Arn') === props.ServiceToken);
    if (!fn) throw new Error(`the verification ${verification.logicalId} points at ${props.ServiceToken}, which is not a function of the world`);
    const role = roleByArn(world, world.properties(fn).Role);
    if (!role) throw new Error(`the verifier function ${fn.logicalId} has no role in the world`);
    const verifier = roleCaller(world, role, 'the verifier role');
    const roleArn = world.attribute(role, 'Arn');
    const keyArn = props.KeyArn;

    if (!seenFunctions.has(fn.logicalId)) {
      seenFunctions.add(fn.logicalId);
      out.push(
        path('deploy', 'CloudFormation invokes the verifier with the deploying role\'s permissions', principals.deployer, 'lambda:InvokeFunction', props.ServiceToken, 'Allowed', DOCS.customResourceInvoke),
        path('verifier', 'Lambda assumes the verifier role', principals.service('lambda.amazonaws.com'), 'sts:AssumeRole', roleArn, 'Allowed', DOCS.lambdaExecutionRole),
      );
    }

    for (const command of recorded!.get(`${verification.stackName}/${verification.logicalId}`) ?? []) {
      const form = iamFormOf(verification, keyArn, command);
      out.push(path('verifier', `the verifier calls ${form.action} (${command.command} from the handler)`, verifier, form.action, form.resource, 'Allowed', form.doc, form.context ?? {}));
      if (command.command === 'GetScheduleCommand') {
        // Scheduler decrypts the payload of an encrypted schedule with the caller's permissions.
        const schedule = world.ofType('AWS::Scheduler::Schedule').find(s => world.attribute(s, 'Arn') === form.resource);
        out.push(path('verifier', 'Scheduler decrypts the schedule payload for GetSchedule with the verifier\'s permissions', verifier, 'kms:Decrypt', keyArn, 'Allowed', DOCS.schedulerCreatorPermissions,
          { 'kms:ViaService': via(world, verification, 'scheduler'), 'kms:EncryptionContext:aws:scheduler:schedule:arn': schedule ? world.attribute(schedule, 'Arn') : form.resource }));
      }
    }

    const context = props.VerificationContext as Record<string, string>;
    const [contextKey, contextValue] = Object.entries(context)[0];
    out.push(
      path('negative', 'the verifier cannot decrypt data encrypted under a service\'s context', verifier, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsEncryptionContextCondition,
        { [`kms:EncryptionContext:${contextKey}`]: contextValue, 'kms:EncryptionContext:SecretARN': `arn:${verification.partition}:secretsmanager:${verification.region}:${verification.account}:secret:events!connection/x/y` }),
      path('negative', 'the verifier cannot decrypt without its own context key', verifier, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsEncryptionContextCondition,
        { 'kms:EncryptionContext:aws:events:event-bus:arn': `arn:${verification.partition}:events:${verification.region}:${verification.account}:event-bus/x` }),
      path('negative', 'the verifier cannot decrypt a schedule payload other than through Scheduler', verifier, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsViaService,
        { 'kms:EncryptionContext:aws:scheduler:schedule:arn': `arn:${verification.partition}:scheduler:${verification.region}:${verification.account}:schedule/default/x` }),
    );
  }
  return out;
};
