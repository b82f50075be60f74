import { ArnFormat, Stack, Token, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EncryptionKey, EncryptionVerification, VerifiedResource } from '../../src';
import { newestNodeRuntime } from '../../src/services/lambda/runtimes';
import { compliantVpc } from '../encrypted-rds-instance/fixtures';
import { formatFindings, unacknowledgedFindings } from '../support/compliance';
import { testStack } from '../support/fixtures';
import { findCycle } from '../support/template-graph';

const BUS = 'arn:aws:events:eu-west-1:111122223333:event-bus/orders';
const ARCHIVE = 'arn:aws:events:eu-west-1:111122223333:archive/orders';
const SCHEDULE = 'arn:aws:scheduler:eu-west-1:111122223333:schedule/default/nightly';
const CLUSTER = 'arn:aws:rds:eu-west-1:111122223333:cluster:orders-cluster';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/111122223333/billing';
const QUEUE = 'arn:aws:sqs:eu-west-1:111122223333:billing';
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:notify';
const STREAM = 'arn:aws:kinesis:eu-west-1:111122223333:stream/order-records';

function twoVerifications(stack: Stack): { key: EncryptionKey; other: EncryptionKey } {
  const key = new EncryptionKey(stack, 'Key', { protects: 'orders' });
  const other = new EncryptionKey(stack, 'Other', { protects: 'schedules' });
  new EncryptionVerification(stack, 'Orders', { key, resources: [VerifiedResource.eventBus('orders', BUS), VerifiedResource.archive('orders', ARCHIVE)] });
  new EncryptionVerification(stack, 'Nightly', { key: other, resources: [VerifiedResource.schedule('nightly', 'default', SCHEDULE)] });
  return { key, other };
}

function verifierStatements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: 'Permissions of the deploy-time encryption verifier' } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('EncryptionVerification', () => {
  test('a stack with several verifications has exactly one function, one role and one log group', () => {
    const stack = testStack();
    twoVerifications(stack);
    new EncryptionVerification(stack, 'Third', { key: new EncryptionKey(stack, 'ThirdKey', { protects: 'x' }), resources: [] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.resourceCountIs('Custom::EncryptionVerification', 3);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: newestNodeRuntime().name,
      Timeout: 120,
      MemorySize: 256,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
  });

  test('the custom resource points straight at the function and passes key, own context, rotation and resources', () => {
    const stack = testStack();
    twoVerifications(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::EncryptionVerification', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EncryptionVerifierFunction'), 'Arn'] },
      ServiceTimeout: '180',
      KeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      VerificationContext: { 'cdk-encrypted-constructs:verification': 'TestStack/Orders' },
      CheckRotation: 'true',
      Resources: [{ Type: 'AWS::Events::EventBus', Name: 'orders' }, { Type: 'AWS::Events::Archive', Name: 'orders' }],
    });
  });

  test('the role may only describe and round-trip its keys under its own context, and read exactly the verified resources', () => {
    const stack = testStack();
    twoVerifications(stack);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const role = Object.values(template.findResources('AWS::IAM::Role'))[0] as any;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = verifierStatements(template);
    const keyArn = (prefix: string) => ({ 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${prefix}`)), 'Arn'] });
    expect(statements).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'], Resource: keyArn('Key') },
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: keyArn('Key'),
        Condition: {
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['cdk-encrypted-constructs:verification'] },
          'Null': { 'kms:EncryptionContext:cdk-encrypted-constructs:verification': 'false' },
        },
      },
      { Effect: 'Allow', Action: 'events:DescribeEventBus', Resource: BUS },
      { Effect: 'Allow', Action: 'events:DescribeArchive', Resource: ARCHIVE },
      { Effect: 'Allow', Action: 'scheduler:GetSchedule', Resource: SCHEDULE },
    ]));
    // reading an encrypted schedule makes Scheduler decrypt with the caller's permissions: only through Scheduler,
    // only under that schedule's context
    const scheduleRead = {
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: keyArn('Other'),
      Condition: { StringEquals: { 'kms:ViaService': 'scheduler.eu-west-1.amazonaws.com', 'kms:EncryptionContext:aws:scheduler:schedule:arn': SCHEDULE } },
    };
    expect(statements).toContainEqual(scheduleRead);
    // every other kms usage statement is confined to the verifier's own context; nothing but X-Ray is on '*'
    for (const s of statements) {
      const actions = [s.Action].flat();
      const isScheduleRead = s.Condition?.StringEquals?.['kms:EncryptionContext:aws:scheduler:schedule:arn'] === SCHEDULE && s.Condition.StringEquals['kms:ViaService'] === 'scheduler.eu-west-1.amazonaws.com';
      // (the dead-letter queue's key, the stack's alarm and dead-letter key, only through SQS)
      const isDeadLetters = JSON.stringify(s.Resource).includes('EncryptedConstructsAlarmTopicKey') && s.Condition?.StringEquals?.['kms:ViaService'] === 'sqs.eu-west-1.amazonaws.com';
      if (actions.some((a: string) => /^kms:(GenerateDataKey|Decrypt|Encrypt|ReEncrypt)/.test(a)) && !isDeadLetters && !isScheduleRead) {
        expect(s.Condition).toEqual(expect.objectContaining({ 'ForAllValues:StringEquals': expect.anything() }));
      }
      if (s.Resource === '*') expect(actions).toEqual(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
    }
  });

  test('a DB cluster is passed with what to check, and the role may describe that cluster and no other', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'Key', { protects: 'orders' });
    new EncryptionVerification(stack, 'Orders', {
      key,
      resources: [VerifiedResource.dbCluster('orders-cluster', CLUSTER, { performanceInsights: false })],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::EncryptionVerification', {
      Resources: [{ Type: 'AWS::RDS::DBCluster', Identifier: 'orders-cluster', ExpectMasterUserSecret: 'true', ExpectPerformanceInsights: 'false' }],
    });
    const rds = verifierStatements(template).filter(s => [s.Action].flat().some((a: string) => a.startsWith('rds:')));
    expect(rds).toEqual([{ Effect: 'Allow', Action: 'rds:DescribeDBClusters', Resource: CLUSTER }]);
  });

  test('addResource checks a queue, a topic and a stream in the same custom resource, each readable by the role on its ARN only', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'Key', { protects: 'orders' });
    const verification = new EncryptionVerification(stack, 'Targets', { key, resources: [VerifiedResource.queue(QUEUE_URL, QUEUE)] });
    const stream = new Construct(stack, 'Stream');
    verification.addResource(VerifiedResource.topic(TOPIC));
    verification.addResource(VerifiedResource.stream(STREAM, stream));
    expect(() => verification.addResource({ Type: 'AWS::SQS::Queue' } as any)).toThrow('invalid TestStack/Targets.addResource:\n  - resource: got object; must be a VerifiedResource');
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::EncryptionVerification', 1);
    template.hasResourceProperties('Custom::EncryptionVerification', {
      Resources: [{ Type: 'AWS::SQS::Queue', QueueUrl: QUEUE_URL }, { Type: 'AWS::SNS::Topic', TopicArn: TOPIC }, { Type: 'AWS::Kinesis::Stream', StreamArn: STREAM }],
    });
    const reads = verifierStatements(template).filter(s => [s.Action].flat().some((a: string) => /^(sqs:Get|sns:|kinesis:)/.test(a)));
    expect(reads).toEqual([
      { Effect: 'Allow', Action: 'sqs:GetQueueAttributes', Resource: QUEUE },
      { Effect: 'Allow', Action: 'sns:GetTopicAttributes', Resource: TOPIC },
      { Effect: 'Allow', Action: 'kinesis:DescribeStreamSummary', Resource: STREAM },
    ]);
    // the dependency of an added resource is waited for like one given at construction
    expect(verification.resource.node.dependencies).toContain(stream);
  });

  test('each verified key lets the verifier role describe it and round-trip under its own context (so strict mode verifies too)', () => {
    const stack = testStack();
    const { key } = twoVerifications(stack);
    const template = Template.fromStack(stack);
    const policy = template.toJSON().Resources[stack.getLogicalId(key.node.defaultChild as kms.CfnKey)].Properties.KeyPolicy.Statement;
    // The role is named in aws:PrincipalArn, not as principal: KMS rejects a principal it cannot see yet.
    expect(policy).toContainEqual(expect.objectContaining({
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Condition: {
        'ArnEquals': { 'aws:PrincipalArn': { 'Fn::GetAtt': [expect.stringMatching(/^EncryptionVerifierRole/), 'Arn'] } },
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['cdk-encrypted-constructs:verification'] },
        'Null': { 'kms:EncryptionContext:cdk-encrypted-constructs:verification': 'false' },
      },
    }));
  });

  test('verifications wait for every verifier policy and for the resources they check', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'Key', { protects: 'x' });
    const resources = Array.from({ length: 30 }, (_, i) => VerifiedResource.eventBus(`orders${i}`, `${BUS}${i}`));
    const v = new EncryptionVerification(stack, 'Many', { key, resources: resources.slice(0, 15) });
    new EncryptionVerification(stack, 'More', { key, resources: resources.slice(15) });
    const template = Template.fromStack(stack);
    const policies = Object.keys(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: 'Permissions of the deploy-time encryption verifier' } }));
    expect(policies.length).toBeGreaterThan(1);
    const cr = template.toJSON().Resources[stack.getLogicalId(v.resource.node.defaultChild as any)];
    expect(cr.DependsOn).toEqual(expect.arrayContaining(policies));
    for (const p of policies) expect(JSON.stringify(template.toJSON().Resources[p]).length).toBeLessThan(6144);
  });

  test('forms no dependency cycle', () => {
    const stack = testStack();
    twoVerifications(stack);
    expect(findCycle(Template.fromStack(stack).toJSON())).toBeUndefined();
  });

  test('has no unacknowledged cdk-nag or Control Tower findings', () => {
    const stack = testStack();
    twoVerifications(stack);
    expect(formatFindings(unacknowledgedFindings(stack))).toEqual([]);
  });
});

describe('EncryptionVerification.configure: the verifier in a VPC', () => {
  function inVpc(options: { subnets?: boolean; securityGroup?: boolean } = {}) {
    const stack = testStack();
    const vpc = compliantVpc(stack);
    const securityGroups = options.securityGroup ? [new ec2.SecurityGroup(stack, 'Own', { vpc, allowAllOutbound: false })] : undefined;
    EncryptionVerification.configure(stack, { vpc, securityGroups, vpcSubnets: options.subnets ? { subnets: [vpc.isolatedSubnets[1]] } : undefined });
    twoVerifications(stack);
    return { stack, vpc, template: Template.fromStack(stack) };
  }

  test('puts the stack\'s one function in the VPC, behind a security group that allows no inbound and only outbound HTTPS', () => {
    const { stack, vpc, template } = inVpc();
    template.resourceCountIs('AWS::Lambda::Function', 2); // the verifier and aws-cdk-lib's default-security-group handler of the VPC fixture
    const group = stack.node.findChild('EncryptionVerifier').node.findChild('SecurityGroup') as ec2.SecurityGroup;
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'TestStack-encryption-verifier',
      VpcConfig: {
        SubnetIds: vpc.isolatedSubnets.map(s => stack.resolve(s.subnetId)),
        SecurityGroupIds: [stack.resolve(group.securityGroupId)],
      },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Encryption verifier'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('the role may create, delete and re-address network interfaces of this account and region only, and describe them', () => {
    const { template } = inVpc();
    const ec2Statements = verifierStatements(template).filter(s => [s.Action].flat().some((a: string) => a.startsWith('ec2:')));
    const arn = (resource: string) => `arn:aws:ec2:eu-west-1:111122223333:${resource}/*`;
    expect(ec2Statements).toEqual([
      { Effect: 'Allow', Action: 'ec2:CreateNetworkInterface', Resource: [arn('network-interface'), arn('subnet'), arn('security-group')] },
      { Effect: 'Allow', Action: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Resource: arn('network-interface') },
      { Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Resource: '*' },
    ]);
    // ...in the policy the function waits for, since Lambda creates the interfaces when it creates the function
    const [functionId, fn] = Object.entries<any>(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'TestStack-encryption-verifier' } }))[0];
    const policies = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: 'Permissions of the deploy-time encryption verifier' } });
    const holder = Object.entries<any>(policies).find(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('ec2:CreateNetworkInterface'))![0];
    expect([functionId, fn.DependsOn]).toEqual([functionId, expect.arrayContaining([holder])]);
  });

  test('takes the subnets and security groups you choose', () => {
    const { stack, vpc, template } = inVpc({ subnets: true, securityGroup: true });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'TestStack-encryption-verifier',
      VpcConfig: { SubnetIds: [stack.resolve(vpc.isolatedSubnets[1].subnetId)], SecurityGroupIds: [stack.resolve((stack.node.findChild('Own') as ec2.SecurityGroup).securityGroupId)] },
    });
    expect(stack.node.findChild('EncryptionVerifier').node.tryFindChild('SecurityGroup')).toBeUndefined();
  });

  test('has no unacknowledged cdk-nag or Control Tower findings, and the Lambda-in-VPC rules are no longer acknowledged', () => {
    const { stack } = inVpc();
    expect(formatFindings(unacknowledgedFindings(stack))).toEqual([]);
    const fn = stack.node.findChild('EncryptionVerifier').node.findChild('Function');
    const acknowledged = fn.node.metadata.filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap(m => Object.keys(m.data));
    expect(acknowledged.filter(id => /LambdaInsideVPC|lambda_inside_vpc_check/.test(id))).toEqual([]);
  });

  test.each([
    ['after the stack\'s verifier exists', (stack: Stack) => { twoVerifications(stack); }],
    ['a second time', (stack: Stack) => { EncryptionVerification.configure(stack, { vpc: new ec2.Vpc(stack, 'First') }); }],
  ])('is an error %s, naming the stack', (_when, before) => {
    const stack = testStack();
    before(stack);
    expect(() => EncryptionVerification.configure(stack, { vpc: new ec2.Vpc(stack, 'Vpc') })).toThrow(/EncryptionVerification\.configure\(TestStack\)/);
  });
});

describe('VerifiedResource takes ARNs of the form IAM authorizes', () => {
  test.each([
    ['schedule', () => VerifiedResource.schedule('n', 'g', 'arn:aws:scheduler:eu-west-1:111122223333:schedule-group/g'), 'scheduleArn'],
    ['event bus', () => VerifiedResource.eventBus('b', 'arn:aws:events:eu-west-1:111122223333:rule/b'), 'eventBusArn'],
    ['archive', () => VerifiedResource.archive('a', 'arn:aws:events:eu-west-1:111122223333:archive/' + 'a'.repeat(49)), 'archiveArn'],
    ['connection with its /<uuid> Arn', () => VerifiedResource.connection('c', 'arn:aws:events:eu-west-1:111122223333:connection/c/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:events!connection/c/x-AbCdEf'), 'connectionArn'],
    ['connection secret', () => VerifiedResource.connection('c', 'arn:aws:events:eu-west-1:111122223333:connection/c', 'events!connection/c'), 'secretArn'],
    ['DB instance', () => VerifiedResource.dbInstance('Db', 'arn:aws:rds:eu-west-1:111122223333:db:Db'), 'instanceArn'],
    ['DB cluster (db:<name>)', () => VerifiedResource.dbCluster('orders', 'arn:aws:rds:eu-west-1:111122223333:db:orders'), 'clusterArn'],
    ['DB cluster (cluster:<resource id>)', () => VerifiedResource.dbCluster('orders', 'arn:aws:rds:eu-west-1:111122223333:cluster:cluster-ABCDEFGHIJKL'), 'clusterArn'],
    ['DB cluster (cluster/<name>)', () => VerifiedResource.dbCluster('orders', 'arn:aws:rds:eu-west-1:111122223333:cluster/orders'), 'clusterArn'],
    ['queue (its URL given as ARN)', () => VerifiedResource.queue(QUEUE_URL, QUEUE_URL), 'queueArn'],
    ['queue URL (its name alone)', () => VerifiedResource.queue('billing', QUEUE), 'queueUrl'],
    ['topic (a subscription ARN)', () => VerifiedResource.topic(`${TOPIC}:0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d`), 'topicArn'],
    ['stream (a Firehose stream ARN)', () => VerifiedResource.stream('arn:aws:firehose:eu-west-1:111122223333:deliverystream/order-lake'), 'streamArn'],
    ['stream (its name alone)', () => VerifiedResource.stream('order-records'), 'streamArn'],
  ])('rejects a %s ARN of another form', (_name, make, prop) => {
    expect(make).toThrow(new RegExp(`^invalid VerifiedResource\\.\\w+:\\n  - ${prop}: got `));
  });

  test.each([
    ['schedule name too long', () => VerifiedResource.schedule('n'.repeat(65), 'g', `arn:aws:scheduler:eu-west-1:111122223333:schedule/g/${'n'.repeat(65)}`), 'scheduleArn'],
    ['schedule group with a space', () => VerifiedResource.schedule('n', 'my group', 'arn:aws:scheduler:eu-west-1:111122223333:schedule/g/n'), 'groupName'],
    ['archive name with a slash', () => VerifiedResource.archive('a/b', 'arn:aws:events:eu-west-1:111122223333:archive/a'), 'archiveName'],
    ['connection name too long', () => VerifiedResource.connection('c'.repeat(65), 'arn:aws:events:eu-west-1:111122223333:connection/c', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:x'), 'connectionName'],
    ['DB instance identifier ending in a hyphen', () => VerifiedResource.dbInstance('orders-', 'arn:aws:rds:eu-west-1:111122223333:db:orders'), 'instanceIdentifier'],
    ['DB instance identifier with two hyphens in a row', () => VerifiedResource.dbInstance('orders--db', 'arn:aws:rds:eu-west-1:111122223333:db:orders'), 'instanceIdentifier'],
    ['DB instance identifier starting with a digit', () => VerifiedResource.dbInstance('1orders', 'arn:aws:rds:eu-west-1:111122223333:db:orders'), 'instanceIdentifier'],
    ['DB instance ARN ending in a hyphen', () => VerifiedResource.dbInstance('orders', 'arn:aws:rds:eu-west-1:111122223333:db:orders-'), 'instanceArn'],
    ['DB cluster identifier of 64 characters', () => VerifiedResource.dbCluster('o'.repeat(64), 'arn:aws:rds:eu-west-1:111122223333:cluster:orders'), 'clusterIdentifier'],
    ['queue name of 81 characters', () => VerifiedResource.queue(`https://sqs.eu-west-1.amazonaws.com/111122223333/${'q'.repeat(81)}`, QUEUE), 'queueUrl'],
    ['topic name with a space', () => VerifiedResource.topic('arn:aws:sns:eu-west-1:111122223333:order notices'), 'topicArn'],
    ['stream name of 129 characters', () => VerifiedResource.stream(`arn:aws:kinesis:eu-west-1:111122223333:stream/${'s'.repeat(129)}`), 'streamArn'],
  ])('rejects a %s (the API would reject the name)', (_name, make, prop) => {
    expect(make).toThrow(new RegExp(`^invalid VerifiedResource\\.\\w+:\\n  - ${prop}: got `));
  });

  test.each([
    ['schedule', () => VerifiedResource.schedule('n', 'g', 'arn:aws:scheduler:eu-west-1:111122223333:schedule/g/other'), 'scheduleArn must end in /<groupName>/<scheduleName>'],
    ['event bus', () => VerifiedResource.eventBus('orders', 'arn:aws:events:eu-west-1:111122223333:event-bus/billing'), 'eventBusArn must end in /<eventBusName>'],
    ['archive', () => VerifiedResource.archive('a', 'arn:aws:events:eu-west-1:111122223333:archive/b'), 'archiveArn must end in /<archiveName>'],
    ['connection', () => VerifiedResource.connection('c', 'arn:aws:events:eu-west-1:111122223333:connection/d', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:x'), 'connectionArn must end in /<connectionName>'],
    ['DB instance', () => VerifiedResource.dbInstance('orders', 'arn:aws:rds:eu-west-1:111122223333:db:billing'), 'instanceArn must end in :<instanceIdentifier>'],
    ['DB cluster', () => VerifiedResource.dbCluster('orders', 'arn:aws:rds:eu-west-1:111122223333:cluster:billing'), 'clusterArn must end in :<clusterIdentifier>'],
    ['queue', () => VerifiedResource.queue(QUEUE_URL, 'arn:aws:sqs:eu-west-1:111122223333:billing-dlq'), 'queueArn must end in the queue name the URL ends in'],
  ])('rejects a %s whose ARN names another resource than the name (the verifier would read one, IAM allow the other)', (_name, make, rule) => {
    expect(make).toThrow(rule);
  });

  test('an RDS identifier in upper case matches its lower-case ARN (RDS stores identifiers in lower case)', () => {
    expect(() => VerifiedResource.dbInstance('Orders-DB', 'arn:aws:rds:eu-west-1:111122223333:db:orders-db')).not.toThrow();
    expect(() => VerifiedResource.dbCluster('Orders', 'arn:aws:rds:eu-west-1:111122223333:cluster:orders')).not.toThrow();
  });

  test('accepts the forms the constructs pass, and tokens', () => {
    const stack = testStack();
    expect(() => [
      VerifiedResource.schedule('n', 'g', 'arn:aws:scheduler:eu-west-1:111122223333:schedule/g/n'),
      VerifiedResource.eventBus('b', 'arn:aws:events:eu-west-1:111122223333:event-bus/b'),
      VerifiedResource.archive('a', 'arn:aws:events:eu-west-1:111122223333:archive/a'),
      VerifiedResource.connection('c', 'arn:aws:events:eu-west-1:111122223333:connection/c', 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:events!connection/c/*'),
      VerifiedResource.dbInstance('db', 'arn:aws:rds:eu-west-1:111122223333:db:db'),
      VerifiedResource.dbCluster('orders-cluster', 'arn:aws-us-gov:rds:us-gov-west-1:111122223333:cluster:orders-cluster'),
      VerifiedResource.dbCluster('c', stack.formatArn({ service: 'rds', resource: 'cluster', resourceName: 'c', arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
      VerifiedResource.eventBus('b', stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'b' })),
      VerifiedResource.queue(QUEUE_URL, QUEUE),
      VerifiedResource.queue('https://sqs.cn-north-1.amazonaws.com.cn/111122223333/orders.fifo', 'arn:aws-cn:sqs:cn-north-1:111122223333:orders.fifo'),
      VerifiedResource.queue(Token.asString({ Ref: 'Billing' }), stack.formatArn({ service: 'sqs', resource: 'billing', arnFormat: ArnFormat.NO_RESOURCE_NAME })),
      VerifiedResource.topic(TOPIC),
      VerifiedResource.topic('arn:aws:sns:eu-west-1:111122223333:notify.fifo'),
      VerifiedResource.topic(stack.formatArn({ service: 'sns', resource: 'notify', arnFormat: ArnFormat.NO_RESOURCE_NAME })),
      VerifiedResource.stream(STREAM),
      VerifiedResource.stream(stack.formatArn({ service: 'kinesis', resource: 'stream', resourceName: 'order-records' })),
    ]).not.toThrow();
  });
});

describe('EncryptionVerification props from JavaScript callers', () => {
  const bus = () => VerifiedResource.eventBus('orders', BUS);
  test.each<[string, (stack: Stack) => any, string]>([
    ['a missing key', () => ({ resources: [bus()] }), 'key: got undefined; is required: a kms.IKey'],
    ['a null key', () => ({ key: null, resources: [bus()] }), 'key: got null; is required: a kms.IKey'],
    ['a key that is not a key', () => ({ key: 'arn:aws:kms:eu-west-1:111122223333:key/1234', resources: [bus()] }), 'key: got a string; must be a kms.IKey'],
    ['missing resources', s => ({ key: new EncryptionKey(s, 'Key', { protects: 'orders' }) }), 'resources: got undefined; is required: an array of VerifiedResource'],
    ['null resources', s => ({ key: new EncryptionKey(s, 'Key', { protects: 'orders' }), resources: null }), 'resources: got null; is required: an array of VerifiedResource'],
    ['resources that are not VerifiedResource', s => ({ key: new EncryptionKey(s, 'Key', { protects: 'orders' }), resources: [{ Type: 'AWS::Events::EventBus' }] }),
      'resources: got an array; must be an array of VerifiedResource'],
    ['a null optional prop', s => ({ key: new EncryptionKey(s, 'Key', { protects: 'orders' }), resources: [bus()], checkRotation: null }), 'checkRotation: got null; omit the prop instead'],
    ['no props at all', () => undefined, 'props: got undefined; must be an object with key, resources'],
    ['a null resource', s => ({ key: new EncryptionKey(s, 'Key', { protects: 'orders' }), resources: [bus(), null] }), 'resources[1]: got null; arrays must not hold null or undefined entries'],
    ['an asymmetric key', s => ({ key: new kms.Key(s, 'Key', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT }), resources: [bus()] }),
      'key: got a key with keySpec RSA_2048 and keyUsage ENCRYPT_DECRYPT; must be a symmetric encryption key'],
    ['an HMAC key', s => ({ key: new kms.Key(s, 'Key', { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC }), resources: [bus()] }),
      'key: got a key with keySpec HMAC_256 and keyUsage GENERATE_VERIFY_MAC; must be a symmetric encryption key'],
    ['a key with rotation off, rotation checked', s => ({ key: new kms.Key(s, 'Key', { enableKeyRotation: false }), resources: [bus()] }),
      'key: got a key with rotation off; the deploy-time verification requires rotation: enable it (enableKeyRotation: true), or set checkRotation false'],
    ['an AWS managed key', () => ({ key: kms.Alias.fromAliasName(new Stack(), 'Managed', 'alias/aws/events'), resources: [bus()] }), 'key: got the alias alias/aws/events; must be a customer managed key'],
  ])('%s fails with a validation error naming the prop', (_name, props, message) => {
    const stack = testStack();
    const error = (() => {
      try {
        new EncryptionVerification(stack, 'Verification', props(stack));
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.name).toBe('PropValidationError');
    expect(error?.message).toContain('invalid props for TestStack/Verification:');
    expect(error?.message).toContain(message);
  });

  test('the boundary passes: an imported key and an empty resource list', () => {
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(() => new EncryptionVerification(stack, 'Verification', { key, resources: [] })).not.toThrow();
  });

  test('the boundary passes: a key with rotation off when rotation is not checked', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: false });
    expect(() => new EncryptionVerification(stack, 'Verification', { key, resources: [], checkRotation: false })).not.toThrow();
  });
});
