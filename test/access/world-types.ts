/**
 * The deployed-world model of each CloudFormation resource type: its physical name, its Ref and its attributes as AWS
 * returns them, each with the docs it rests on (the "Return values" section of the type). Used by `world.ts`; a type
 * not modelled here fails loudly there.
 */
import { createHash } from 'crypto';
import type { DeployedResource, DeployedWorld } from './world';

export interface TypeModel {
  /** Docs for the type's return values. */
  readonly doc: string;
  /** The physical name: a name property, or what CloudFormation generates. */
  readonly name?: (r: DeployedResource, w: DeployedWorld) => string;
  readonly ref: (r: DeployedResource, w: DeployedWorld) => string;
  readonly attributes?: Record<string, (r: DeployedResource, w: DeployedWorld) => string>;
}

const CFN_DOCS = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference';

/** A stable stand-in for the random parts AWS generates (ids, suffixes), derived from the resource's identity. */
function fake(r: DeployedResource, salt: string, length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'): string {
  const bytes = createHash('sha256').update(`${r.stackName}/${r.logicalId}/${salt}`).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i % bytes.length] % alphabet.length];
  return out;
}

function uuid(r: DeployedResource, salt: string): string {
  const h = createHash('sha256').update(`${r.stackName}/${r.logicalId}/${salt}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** CloudFormation's generated physical name: `<stack>-<logical id>-<random>`, cut to the type's maximum length. */
function generatedName(r: DeployedResource, maxLength: number, lowerCase = false): string {
  const suffix = fake(r, 'name', 12);
  const room = Math.max(1, maxLength - suffix.length - 2);
  const head = `${r.stackName}-${r.logicalId}`.slice(0, room);
  const name = `${head}-${suffix}`;
  return lowerCase ? name.toLowerCase() : name;
}

function named(property: string, maxLength: number, lowerCase = false) {
  return (r: DeployedResource, w: DeployedWorld): string => {
    const given = r.rawProperties[property];
    return given !== undefined ? String(w.resolveIn(r.stackName, given)) : generatedName(r, maxLength, lowerCase);
  };
}

function arn(r: DeployedResource, service: string, resource: string, region = r.region, account = r.account): string {
  return `arn:${r.partition}:${service}:${region}:${account}:${resource}`;
}

const physicalId = (r: DeployedResource) => `${r.logicalId}-${fake(r, 'id', 8)}`;

/**
 * The port an Aurora cluster listens on: its `Port`, else the engine's default ("RDS for MySQL and Aurora MySQL - 3306;
 * RDS for PostgreSQL and Aurora PostgreSQL - 5432"). Another engine without a port fails loudly.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html#API_CreateDBCluster_RequestParameters
 */
function clusterPort(r: DeployedResource, w: DeployedWorld): string {
  const props = w.properties(r);
  if (props.Port !== undefined) return String(props.Port);
  const defaults: Record<string, string> = { 'aurora-mysql': '3306', 'aurora-postgresql': '5432' };
  const port = defaults[String(props.Engine)];
  if (!port) throw new Error(`deployed world: no default port of the engine ${props.Engine} (${r.logicalId})`);
  return port;
}

/** A delivery destination's type from the ARN of the resource it delivers to (CloudWatch Logs, S3, Firehose). */
function deliveryDestinationType(destinationArn: string): string {
  const service = destinationArn.split(':')[2];
  const types: Record<string, string> = { logs: 'CWL', s3: 'S3', firehose: 'FH' };
  if (!types[service]) throw new Error(`deployed world: a delivery destination to ${destinationArn} is not modelled`);
  return types[service];
}

const TYPES: Record<string, TypeModel> = {
  'AWS::KMS::Key': {
    doc: `${CFN_DOCS}/aws-resource-kms-key.html#aws-resource-kms-key-return-values`,
    ref: r => uuid(r, 'key'),
    attributes: { Arn: (r, w) => arn(r, 'kms', `key/${w.ref(r)}`), KeyId: (r, w) => w.ref(r) },
  },
  'AWS::KMS::Alias': { doc: `${CFN_DOCS}/aws-resource-kms-alias.html`, ref: named('AliasName', 256) },
  'AWS::IAM::Role': {
    doc: `${CFN_DOCS}/aws-resource-iam-role.html#aws-resource-iam-role-return-values`,
    name: named('RoleName', 64),
    ref: (r, w) => w.nameOf(r),
    attributes: {
      Arn: (r, w) => `arn:${r.partition}:iam::${r.account}:role${w.resolveIn(r.stackName, r.rawProperties.Path ?? '/')}${w.nameOf(r)}`,
      RoleId: r => `AROA${fake(r, 'roleid', 17)}`,
    },
  },
  'AWS::IAM::ManagedPolicy': {
    doc: `${CFN_DOCS}/aws-resource-iam-managedpolicy.html#aws-resource-iam-managedpolicy-return-values`,
    name: named('ManagedPolicyName', 128),
    ref: (r, w) => `arn:${r.partition}:iam::${r.account}:policy${w.resolveIn(r.stackName, r.rawProperties.Path ?? '/')}${w.nameOf(r)}`,
    attributes: { PolicyArn: (r, w) => w.ref(r) },
  },
  'AWS::IAM::Policy': { doc: `${CFN_DOCS}/aws-resource-iam-policy.html`, ref: physicalId },
  'AWS::Lambda::Function': {
    doc: `${CFN_DOCS}/aws-resource-lambda-function.html#aws-resource-lambda-function-return-values`,
    name: named('FunctionName', 64),
    ref: (r, w) => w.nameOf(r),
    attributes: { Arn: (r, w) => arn(r, 'lambda', `function:${w.nameOf(r)}`) },
  },
  'AWS::Lambda::Permission': { doc: `${CFN_DOCS}/aws-resource-lambda-permission.html`, ref: physicalId },
  'AWS::Logs::LogGroup': {
    doc: `${CFN_DOCS}/aws-resource-logs-loggroup.html#aws-resource-logs-loggroup-return-values`,
    name: named('LogGroupName', 512),
    ref: (r, w) => w.nameOf(r),
    // "Arn: The ARN of the log group, such as arn:aws:logs:us-west-1:123456789012:log-group:/mystack-testgroup-12ABC1AB12A1:*"
    attributes: { Arn: (r, w) => arn(r, 'logs', `log-group:${w.nameOf(r)}:*`) },
  },
  'AWS::Logs::DeliverySource': {
    // "Ref returns the delivery source's name"; "Arn: The ARN that uniquely identifies this delivery source";
    // ARN form (Service Authorization Reference): arn:${Partition}:logs:${Region}:${Account}:delivery-source:${DeliverySourceName}
    doc: `${CFN_DOCS}/aws-resource-logs-deliverysource.html#aws-resource-logs-deliverysource-return-values`,
    name: named('Name', 60),
    ref: (r, w) => w.nameOf(r),
    attributes: { Arn: (r, w) => arn(r, 'logs', `delivery-source:${w.nameOf(r)}`), LogType: (r, w) => String(w.resolveIn(r.stackName, r.rawProperties.LogType)) },
  },
  'AWS::Logs::DeliveryDestination': {
    // "Ref returns the delivery destination's name"; Arn: arn:${Partition}:logs:${Region}:${Account}:delivery-destination:${DeliveryDestinationName};
    // "DeliveryDestinationType: Displays whether this delivery destination is CloudWatch Logs, Amazon S3, or Firehose" (CWL, S3, FH)
    doc: `${CFN_DOCS}/aws-resource-logs-deliverydestination.html#aws-resource-logs-deliverydestination-return-values`,
    name: named('Name', 60),
    ref: (r, w) => w.nameOf(r),
    attributes: {
      Arn: (r, w) => arn(r, 'logs', `delivery-destination:${w.nameOf(r)}`),
      DeliveryDestinationType: (r, w) => deliveryDestinationType(String(w.resolveIn(r.stackName, r.rawProperties.DestinationResourceArn))),
    },
  },
  'AWS::Logs::Delivery': {
    // "Ref returns the delivery's ID"; Arn: arn:${Partition}:logs:${Region}:${Account}:delivery:${DeliveryId}
    doc: `${CFN_DOCS}/aws-resource-logs-delivery.html#aws-resource-logs-delivery-return-values`,
    ref: r => fake(r, 'delivery', 16, 'abcdefghijklmnopqrstuvwxyz0123456789'),
    attributes: {
      Arn: (r, w) => arn(r, 'logs', `delivery:${w.ref(r)}`),
      DeliveryId: (r, w) => w.ref(r),
      DeliveryDestinationType: (r, w) => {
        const destinationArn = String(w.resolveIn(r.stackName, r.rawProperties.DeliveryDestinationArn));
        const destination = w.ofType('AWS::Logs::DeliveryDestination').find(d => w.attribute(d, 'Arn') === destinationArn);
        if (!destination) throw new Error(`deployed world: the delivery ${r.logicalId} names no delivery destination of the world`);
        return w.attribute(destination, 'DeliveryDestinationType');
      },
    },
  },
  'AWS::S3::Bucket': {
    doc: `${CFN_DOCS}/aws-resource-s3-bucket.html#aws-resource-s3-bucket-return-values`,
    name: named('BucketName', 63, true),
    ref: (r, w) => w.nameOf(r),
    attributes: {
      Arn: (r, w) => `arn:${r.partition}:s3:::${w.nameOf(r)}`,
      DomainName: (r, w) => `${w.nameOf(r)}.s3.amazonaws.com`,
      RegionalDomainName: (r, w) => `${w.nameOf(r)}.s3.${r.region}.amazonaws.com`,
    },
  },
  'AWS::S3::BucketPolicy': { doc: `${CFN_DOCS}/aws-resource-s3-bucketpolicy.html`, ref: physicalId },
  'AWS::SNS::Topic': {
    doc: `${CFN_DOCS}/aws-resource-sns-topic.html#aws-resource-sns-topic-return-values`,
    name: named('TopicName', 256),
    ref: (r, w) => arn(r, 'sns', w.nameOf(r)),
    attributes: { TopicArn: (r, w) => arn(r, 'sns', w.nameOf(r)), TopicName: (r, w) => w.nameOf(r) },
  },
  'AWS::SNS::TopicPolicy': { doc: `${CFN_DOCS}/aws-resource-sns-topicpolicy.html`, ref: physicalId },
  'AWS::SNS::Subscription': { doc: `${CFN_DOCS}/aws-resource-sns-subscription.html`, ref: r => arn(r, 'sns', `${r.logicalId}:${uuid(r, 'sub')}`) },
  'AWS::SQS::Queue': {
    doc: `${CFN_DOCS}/aws-resource-sqs-queue.html#aws-resource-sqs-queue-return-values`,
    name: named('QueueName', 80),
    ref: (r, w) => `https://sqs.${r.region}.amazonaws.com/${r.account}/${w.nameOf(r)}`,
    attributes: {
      Arn: (r, w) => arn(r, 'sqs', w.nameOf(r)),
      QueueName: (r, w) => w.nameOf(r),
      QueueUrl: (r, w) => `https://sqs.${r.region}.amazonaws.com/${r.account}/${w.nameOf(r)}`,
    },
  },
  'AWS::SQS::QueuePolicy': { doc: `${CFN_DOCS}/aws-resource-sqs-queuepolicy.html`, ref: physicalId },
  'AWS::SecretsManager::Secret': {
    // Ref: "the secret ARN"; Secrets Manager appends a hyphen and six random characters to the name.
    doc: `${CFN_DOCS}/aws-resource-secretsmanager-secret.html#aws-resource-secretsmanager-secret-return-values`,
    name: named('Name', 512),
    ref: (r, w) => arn(r, 'secretsmanager', `secret:${w.nameOf(r)}-${fake(r, 'secret', 6, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`),
  },
  'AWS::Scheduler::Schedule': {
    doc: `${CFN_DOCS}/aws-resource-scheduler-schedule.html#aws-resource-scheduler-schedule-return-values`,
    name: named('Name', 64),
    ref: (r, w) => w.nameOf(r),
    attributes: {
      Arn: (r, w) => arn(r, 'scheduler', `schedule/${w.resolveIn(r.stackName, r.rawProperties.GroupName ?? 'default')}/${w.nameOf(r)}`),
    },
  },
  'AWS::Scheduler::ScheduleGroup': {
    doc: `${CFN_DOCS}/aws-resource-scheduler-schedulegroup.html#aws-resource-scheduler-schedulegroup-return-values`,
    name: named('Name', 64),
    ref: (r, w) => w.nameOf(r),
    attributes: { Arn: (r, w) => arn(r, 'scheduler', `schedule-group/${w.nameOf(r)}`) },
  },
  'AWS::Events::EventBus': {
    doc: `${CFN_DOCS}/aws-resource-events-eventbus.html#aws-resource-events-eventbus-return-values`,
    name: named('Name', 256),
    ref: (r, w) => w.nameOf(r),
    attributes: { Arn: (r, w) => arn(r, 'events', `event-bus/${w.nameOf(r)}`), Name: (r, w) => w.nameOf(r) },
  },
  'AWS::Events::Archive': {
    doc: `${CFN_DOCS}/aws-resource-events-archive.html#aws-resource-events-archive-return-values`,
    name: named('ArchiveName', 48),
    ref: (r, w) => w.nameOf(r),
    attributes: { Arn: (r, w) => arn(r, 'events', `archive/${w.nameOf(r)}`) },
  },
  // Nothing references a bus policy: its Ref is modelled as a generated physical id, as for the other policy types.
  'AWS::Events::EventBusPolicy': { doc: `${CFN_DOCS}/aws-resource-events-eventbuspolicy.html`, ref: physicalId },
  'AWS::Events::Connection': {
    // "Arn: The ARN of the connection that was created by the request." (with a /<uuid> suffix);
    // "ArnForPolicy: The ARN of the resource that should be used in IAM policies" (without it);
    // "SecretArn: The ARN for the secret created for the connection."
    doc: `${CFN_DOCS}/aws-resource-events-connection.html#aws-resource-events-connection-return-values`,
    name: named('Name', 64),
    ref: (r, w) => w.nameOf(r),
    attributes: {
      Arn: (r, w) => arn(r, 'events', `connection/${w.nameOf(r)}/${uuid(r, 'connection')}`),
      ArnForPolicy: (r, w) => arn(r, 'events', `connection/${w.nameOf(r)}`),
      SecretArn: (r, w) => arn(r, 'secretsmanager', `secret:events!connection/${w.nameOf(r)}/${uuid(r, 'connection')}-${fake(r, 'secret', 6, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`),
    },
  },
  'AWS::Events::ApiDestination': {
    doc: `${CFN_DOCS}/aws-resource-events-apidestination.html#aws-resource-events-apidestination-return-values`,
    name: named('Name', 64),
    ref: (r, w) => w.nameOf(r),
    attributes: {
      Arn: (r, w) => arn(r, 'events', `api-destination/${w.nameOf(r)}/${uuid(r, 'api-destination')}`),
      ArnForPolicy: (r, w) => arn(r, 'events', `api-destination/${w.nameOf(r)}`),
    },
  },
  'AWS::Events::Rule': {
    // Ref: "the rule name" on the default bus, "event-bus-name|rule-name" on another bus.
    doc: `${CFN_DOCS}/aws-resource-events-rule.html#aws-resource-events-rule-return-values`,
    name: named('Name', 64),
    ref: (r, w) => {
      const bus = r.rawProperties.EventBusName !== undefined ? String(w.resolveIn(r.stackName, r.rawProperties.EventBusName)) : 'default';
      return bus === 'default' ? w.nameOf(r) : `${bus}|${w.nameOf(r)}`;
    },
    attributes: {
      Arn: (r, w) => {
        const bus = r.rawProperties.EventBusName !== undefined ? String(w.resolveIn(r.stackName, r.rawProperties.EventBusName)) : 'default';
        const busName = bus.startsWith('arn:') ? bus.split('/').pop()! : bus;
        return arn(r, 'events', busName === 'default' ? `rule/${w.nameOf(r)}` : `rule/${busName}/${w.nameOf(r)}`);
      },
    },
  },
  'AWS::Kinesis::Stream': {
    // Ref: "the stream name"; Arn: "the ARN of the Kinesis stream" (arn:<partition>:kinesis:<region>:<account>:stream/<name>)
    doc: `${CFN_DOCS}/aws-resource-kinesis-stream.html#aws-resource-kinesis-stream-return-values`,
    name: named('Name', 128),
    ref: (r, w) => w.nameOf(r),
    attributes: { Arn: (r, w) => arn(r, 'kinesis', `stream/${w.nameOf(r)}`) },
  },
  'AWS::KinesisFirehose::DeliveryStream': {
    // Ref: "the delivery stream name"; Arn: "The Amazon Resource Name (ARN) of the delivery stream, such as
    // arn:aws:firehose:us-east-2:123456789012:deliverystream/delivery-stream-name"
    doc: `${CFN_DOCS}/aws-resource-kinesisfirehose-deliverystream.html#aws-resource-kinesisfirehose-deliverystream-return-values`,
    name: named('DeliveryStreamName', 64),
    ref: (r, w) => w.nameOf(r),
    attributes: { Arn: (r, w) => arn(r, 'firehose', `deliverystream/${w.nameOf(r)}`) },
  },
  'AWS::CloudTrail::Trail': {
    doc: `${CFN_DOCS}/aws-resource-cloudtrail-trail.html#aws-resource-cloudtrail-trail-return-values`,
    name: named('TrailName', 128),
    ref: (r, w) => w.nameOf(r),
    attributes: { Arn: (r, w) => arn(r, 'cloudtrail', `trail/${w.nameOf(r)}`) },
  },
  'AWS::CloudWatch::Alarm': {
    doc: `${CFN_DOCS}/aws-resource-cloudwatch-alarm.html#aws-resource-cloudwatch-alarm-return-values`,
    name: named('AlarmName', 255),
    ref: (r, w) => w.nameOf(r),
    attributes: { Arn: (r, w) => arn(r, 'cloudwatch', `alarm:${w.nameOf(r)}`) },
  },
  'AWS::RDS::DBInstance': {
    // Ref: "the DB instance identifier"; RDS stores identifiers in lower case.
    doc: `${CFN_DOCS}/aws-resource-rds-dbinstance.html#aws-resource-rds-dbinstance-return-values`,
    name: (r, w) => named('DBInstanceIdentifier', 63, true)(r, w).toLowerCase(),
    ref: (r, w) => w.nameOf(r),
    attributes: {
      'DbiResourceId': r => `db-${fake(r, 'dbi', 26)}`,
      'DBInstanceArn': (r, w) => arn(r, 'rds', `db:${w.nameOf(r)}`),
      'Endpoint.Address': (r, w) => `${w.nameOf(r)}.${fake(r, 'endpoint', 12).toLowerCase()}.${r.region}.rds.amazonaws.com`,
      'Endpoint.Port': (r, w) => String(w.resolveIn(r.stackName, r.rawProperties.Port ?? '5432')),
      'MasterUserSecret.SecretArn': r => arn(r, 'secretsmanager', `secret:rds!db-${uuid(r, 'master-secret')}-${fake(r, 'master', 6, 'abcdefghijklmnopqrstuvwxyz0123456789')}`),
    },
  },
  'AWS::RDS::DBCluster': {
    // Ref: "the name of the DB cluster" (RDS stores identifiers in lower case; CloudFormation generates one when
    // DBClusterIdentifier is absent); DBClusterResourceId: "The AWS Region-unique, immutable identifier for the DB
    // cluster" (`cluster-<26 characters>`, the form IAM database authentication names: "dbuser:cluster-ABCDEFGHIJKL01234/db_user");
    // the endpoints as the Aurora guide shows them (`<cluster>.cluster-<id>.<region>.rds.amazonaws.com`, the reader
    // `<cluster>.cluster-ro-<id>...`); the master secret RDS names `rds!cluster-<uuid>` (Secrets Manager appends six characters).
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Overview.Endpoints.html
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
    doc: `${CFN_DOCS}/aws-resource-rds-dbcluster.html#aws-resource-rds-dbcluster-return-values`,
    name: (r, w) => named('DBClusterIdentifier', 63, true)(r, w).toLowerCase(),
    ref: (r, w) => w.nameOf(r),
    attributes: {
      'DBClusterArn': (r, w) => arn(r, 'rds', `cluster:${w.nameOf(r)}`),
      'DBClusterResourceId': r => `cluster-${fake(r, 'cluster', 26)}`,
      'Endpoint.Address': (r, w) => `${w.nameOf(r)}.cluster-${fake(r, 'endpoint', 12).toLowerCase()}.${r.region}.rds.amazonaws.com`,
      'Endpoint.Port': (r, w) => clusterPort(r, w),
      'ReadEndpoint.Address': (r, w) => `${w.nameOf(r)}.cluster-ro-${fake(r, 'endpoint', 12).toLowerCase()}.${r.region}.rds.amazonaws.com`,
      'MasterUserSecret.SecretArn': r => arn(r, 'secretsmanager', `secret:rds!cluster-${uuid(r, 'master-secret')}-${fake(r, 'master', 6, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`),
    },
  },
  // Ref: "the name of the DB cluster parameter group".
  'AWS::RDS::DBClusterParameterGroup': { doc: `${CFN_DOCS}/aws-resource-rds-dbclusterparametergroup.html`, name: named('DBClusterParameterGroupName', 255, true), ref: (r, w) => w.nameOf(r) },
  'AWS::RDS::DBParameterGroup': { doc: `${CFN_DOCS}/aws-resource-rds-dbparametergroup.html`, name: named('DBParameterGroupName', 255, true), ref: (r, w) => w.nameOf(r) },
  'AWS::RDS::DBSubnetGroup': { doc: `${CFN_DOCS}/aws-resource-rds-dbsubnetgroup.html`, name: named('DBSubnetGroupName', 255, true), ref: (r, w) => w.nameOf(r) },
  'AWS::EC2::VPC': { doc: `${CFN_DOCS}/aws-resource-ec2-vpc.html`, ref: r => `vpc-${fake(r, 'vpc', 17, '0123456789abcdef')}`, attributes: { CidrBlock: (r, w) => String(w.resolveIn(r.stackName, r.rawProperties.CidrBlock)) } },
  'AWS::EC2::Subnet': { doc: `${CFN_DOCS}/aws-resource-ec2-subnet.html`, ref: r => `subnet-${fake(r, 'subnet', 17, '0123456789abcdef')}` },
  'AWS::EC2::RouteTable': { doc: `${CFN_DOCS}/aws-resource-ec2-routetable.html`, ref: r => `rtb-${fake(r, 'rtb', 17, '0123456789abcdef')}` },
  'AWS::EC2::SubnetRouteTableAssociation': { doc: `${CFN_DOCS}/aws-resource-ec2-subnetroutetableassociation.html`, ref: physicalId },
  'AWS::EC2::SecurityGroup': {
    doc: `${CFN_DOCS}/aws-resource-ec2-securitygroup.html#aws-resource-ec2-securitygroup-return-values`,
    ref: r => `sg-${fake(r, 'sg', 17, '0123456789abcdef')}`,
    attributes: { GroupId: (r, w) => w.ref(r) },
  },
  'AWS::EC2::SecurityGroupIngress': { doc: `${CFN_DOCS}/aws-resource-ec2-securitygroupingress.html`, ref: physicalId },
  'AWS::EC2::SecurityGroupEgress': { doc: `${CFN_DOCS}/aws-resource-ec2-securitygroupegress.html`, ref: physicalId },
  'AWS::EC2::FlowLog': { doc: `${CFN_DOCS}/aws-resource-ec2-flowlog.html`, ref: r => `fl-${fake(r, 'fl', 17, '0123456789abcdef')}` },
  'AWS::CloudFormation::Stack': { doc: `${CFN_DOCS}/aws-resource-cloudformation-stack.html`, ref: r => arn(r, 'cloudformation', `stack/${r.stackName}-${r.logicalId}/${uuid(r, 'stack')}`) },
  'Custom::EncryptionVerification': {
    // The handler's physical id and Data (see src/verifier/protocol.ts).
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html',
    ref: physicalId,
    attributes: { Report: () => 'verified', ChecksPassed: () => '5' },
  },
};

/**
 * A custom resource's `Ref` is the physical id its handler returns; its attributes are the handler's `Data`, which
 * only the library's own custom resource declares above. Any other attribute fails loudly.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
const CUSTOM_RESOURCE: TypeModel = { doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html', ref: physicalId };

export function modelOf(type: string): TypeModel | undefined {
  return TYPES[type] ?? (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource' ? CUSTOM_RESOURCE : undefined);
}
