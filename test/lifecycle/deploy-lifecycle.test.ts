/**
 * The deploy lifecycle of what the library creates under a fixed physical name: a failed first deploy must be
 * retryable, an update that would replace a named resource is documented, and so is what a destroy leaves behind.
 * One app (test/lifecycle/fullest-app.ts: every construct in its fullest configuration, the trail and the verifier) is
 * synthesized once; docs/deploy-lifecycle.md is the user-facing side of the same facts.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatereplacepolicy.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { fullestApp } from './fullest-app';

/**
 * The property that carries the physical name of each resource type, or null for a type without one (CloudFormation
 * names it, or it has no name at all). A type missing from this table fails the first test: add it with its name
 * property from its CloudFormation reference page ("Update requires: Replacement" on the name).
 */
const NAME_PROPERTY: Record<string, string | null> = {
  'AWS::CloudTrail::Trail': 'TrailName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::EC2::FlowLog': null,
  'AWS::EC2::RouteTable': null,
  'AWS::EC2::SecurityGroup': 'GroupName',
  'AWS::EC2::Subnet': null,
  'AWS::EC2::SubnetRouteTableAssociation': null,
  'AWS::EC2::VPC': null,
  'AWS::Events::ApiDestination': 'Name',
  'AWS::Events::Archive': 'ArchiveName',
  'AWS::Events::Connection': 'Name',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::KMS::Key': null,
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::RDS::DBParameterGroup': 'DBParameterGroupName',
  'AWS::RDS::DBSubnetGroup': 'DBSubnetGroupName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::S3::BucketPolicy': null,
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::Scheduler::ScheduleGroup': 'Name',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SNS::TopicPolicy': null,
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SQS::QueuePolicy': null,
  // Custom resources: the handler reports the physical id; nothing in the account is created under it.
  'Custom::EncryptionVerification': null,
  'Custom::VpcRestrictDefaultSG': null,
};

/**
 * Per named type that outlives its stack: the properties whose change replaces the resource (CloudFormation reference,
 * "Update requires: Replacement"), and the CLI command that deletes a leftover before the stack is deployed again.
 * docs/deploy-lifecycle.md must name each.
 */
const LIFECYCLE: Record<string, { replacedBy: string[]; deleteCommand: string }> = {
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html
  'AWS::Logs::LogGroup': { replacedBy: ['LogGroupName'], deleteCommand: 'aws logs delete-log-group --log-group-name' },
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbus.html
  'AWS::Events::EventBus': { replacedBy: ['Name', 'EventSourceName'], deleteCommand: 'aws events delete-event-bus --name' },
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-archive.html
  'AWS::Events::Archive': { replacedBy: ['ArchiveName', 'SourceArn'], deleteCommand: 'aws events delete-archive --archive-name' },
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html
  'AWS::RDS::DBInstance': { replacedBy: ['DBInstanceIdentifier', 'KmsKeyId', 'StorageEncrypted'], deleteCommand: 'aws rds delete-db-instance --db-instance-identifier' },
};

/**
 * Named resources allowed to keep a plain Retain (a failed first create leaves them and the retry fails), each with
 * the remedy docs/deploy-lifecycle.md gives, by construct path. Only a policy the user chose belongs here.
 */
const REMEDIES: Record<string, string> = {
  'Lifecycle/KeptDb/Resource/Resource': '`removalPolicy: RemovalPolicy.RETAIN` on an `EncryptedRdsInstance` is kept as given (the default is `SNAPSHOT`): '
    + 'after a failed first deploy, delete the DB instance (turn off its deletion protection first), or pass `RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE`.',
};

interface Found {
  readonly path: string;
  readonly type: string;
  readonly name: unknown;
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
}

const { app, stack, userConstructIds } = fullestApp();
const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, any> };
const docs = readFileSync(path.join(__dirname, '../../docs/deploy-lifecycle.md'), 'utf8');

/** Every resource the library created in the stack (the app's own declarations left out), by construct path. */
const library: Found[] = stack.node.findAll()
  .filter((c): c is CfnResource => CfnResource.isCfnResource(c))
  .filter(c => !userConstructIds.has(c.node.scopes[2].node.id))
  .map(c => {
    const resource = template.Resources[Stack.of(c).getLogicalId(c)];
    const nameProperty = NAME_PROPERTY[resource.Type];
    return {
      path: c.node.path,
      type: resource.Type,
      name: nameProperty ? resource.Properties?.[nameProperty] : undefined,
      deletionPolicy: resource.DeletionPolicy,
      updateReplacePolicy: resource.UpdateReplacePolicy,
    };
  });
const named = library.filter(r => r.name !== undefined);
/** Named resources a stack delete leaves in the account. */
const outliving = named.filter(r => ['Retain', 'RetainExceptOnCreate'].includes(r.deletionPolicy ?? 'Delete'));

test('every resource type of the templates is in the physical-name table (an unknown type must be added with its name property)', () => {
  const types = new Set(Object.values(template.Resources).map(r => r.Type as string));
  expect([...types].filter(t => !(t in NAME_PROPERTY)).sort()).toEqual([]);
});

test('the library creates named resources that outlive their stack: the verifier and trail log groups, the RDS export log groups, the event bus and the archive (and a DB instance the user asks to retain)', () => {
  // The check below must have something to check: these are the resources it is about.
  expect(outliving.map(r => `${r.type} ${String(r.name)}`).sort()).toEqual([
    'AWS::Events::Archive orders-archive',
    'AWS::Events::EventBus orders',
    'AWS::Logs::LogGroup /aws/lambda/Lifecycle-encryption-verifier',
    'AWS::Logs::LogGroup /aws/rds/instance/kept-db/postgresql',
    'AWS::Logs::LogGroup /aws/rds/instance/kept-db/upgrade',
    'AWS::Logs::LogGroup /aws/rds/instance/orders-db/postgresql',
    'AWS::Logs::LogGroup /aws/rds/instance/orders-db/upgrade',
    'AWS::Logs::LogGroup /cdk-encrypted-constructs/key-audit/Lifecycle-KeyAuditTrail-9694945D',
    'AWS::RDS::DBInstance kept-db',
  ]);
});

test('a failed first deploy can be retried: no named resource the library creates is plainly retained, except a policy the user chose, whose remedy is documented', () => {
  const retained = named.filter(r => r.deletionPolicy === 'Retain');
  expect(retained.filter(r => !(r.path in REMEDIES)).map(r => `${r.path} (${r.type} ${String(r.name)})`)).toEqual([]);
  // Each remedy is used and in the docs, word for word.
  expect(Object.keys(REMEDIES).sort()).toEqual(retained.map(r => r.path).sort());
  for (const remedy of Object.values(REMEDIES)) expect(docs.replace(/\s+/g, ' ')).toContain(remedy);
});

test('a named resource that outlives its stack also keeps its old instance when an update replaces it (UpdateReplacePolicy Retain)', () => {
  // RetainExceptOnCreate is a deletion policy only: the replaced instance is retained with its data.
  expect(outliving.filter(r => r.updateReplacePolicy !== 'Retain').map(r => r.path)).toEqual([]);
});

test('every property whose change replaces a named resource that outlives its stack is named in docs/deploy-lifecycle.md', () => {
  for (const type of new Set(outliving.map(r => r.type))) {
    expect(LIFECYCLE).toHaveProperty([type]);
    for (const property of LIFECYCLE[type].replacedBy) expect([type, docs.includes(`\`${property}\``)]).toEqual([type, true]);
  }
});

test('destroy then deploy again: docs/deploy-lifecycle.md gives the command that deletes each kind of named leftover', () => {
  for (const type of new Set(outliving.map(r => r.type))) {
    expect([type, docs.includes(LIFECYCLE[type].deleteCommand)]).toEqual([type, true]);
  }
});
