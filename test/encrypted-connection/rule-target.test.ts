import { Duration, SecretValue, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EncryptedConnection, EncryptionKey } from '../../src';
import { formatFindings, unacknowledgedFindings } from '../support/compliance';
import { testStack } from '../support/fixtures';
import { findCycle } from '../support/template-graph';

const API_KEY = () => events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key'));

function crm(stack: Stack): { conn: EncryptedConnection; orders: events.ApiDestination } {
  const conn = new EncryptedConnection(stack, 'Crm', { connectionName: 'crm', authorization: API_KEY() });
  const orders = conn.addApiDestination('Orders', { endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 10, apiDestinationName: 'crm-orders' });
  return { conn, orders };
}

function orderRule(stack: Stack, id = 'OrderPlaced'): events.Rule {
  return new events.Rule(stack, id, { eventPattern: { source: ['com.example.orders'], detailType: ['Order Placed'] } });
}

/** The one resource of the type under the connection's API destination `Orders`. */
function only(template: Template, type: string): [string, any] {
  const resources = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith('CrmOrders'));
  expect(resources).toHaveLength(1);
  return resources[0];
}

describe('EncryptedConnection.ruleTarget', () => {
  test('EventBridge invokes the destination through a role whose one permission is InvokeApiDestination on it, in a customer managed policy', () => {
    const stack = testStack();
    const { conn, orders } = crm(stack);
    orderRule(stack).addTarget(conn.ruleTarget(orders));
    const template = Template.fromStack(stack);

    const [roleId, role] = only(template, 'AWS::IAM::Role');
    expect(roleId).toMatch(/^CrmOrdersInvokeRole/);
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: {
        StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' },
        ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:111122223333:rule/*' },
      },
    }]);
    expect(Object.keys(template.findResources('AWS::IAM::Policy')).filter(id => id.startsWith('Crm'))).toEqual([]);
    const [, policy] = only(template, 'AWS::IAM::ManagedPolicy');
    expect(policy.Properties.Roles).toEqual([{ Ref: roleId }]);
    const destinationId = Object.keys(template.findResources('AWS::Events::ApiDestination'))[0];
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{
      Sid: 'InvokeThisApiDestination',
      Effect: 'Allow',
      Action: 'events:InvokeApiDestination',
      Resource: [{ 'Fn::GetAtt': [destinationId, 'Arn'] }, { 'Fn::GetAtt': [destinationId, 'ArnForPolicy'] }],
    }]);
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectEquals({ Id: 'Target0', Arn: { 'Fn::GetAtt': [destinationId, 'Arn'] }, RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } })],
    });
    expect(findCycle(template.toJSON())).toBeUndefined();
  });

  test('the role and its policy pass the five cdk-nag packs and the Control Tower rules, where aws-events-targets\' inline policy does not', () => {
    const ours = testStack('Ours');
    const { conn, orders } = crm(ours);
    orderRule(ours).addTarget(conn.ruleTarget(orders, { deadLetterQueue: new sqs.Queue(ours, 'Undelivered', { encryptionMasterKey: conn.encryptionKey, enforceSSL: true }) }));
    const underConnection = (stack: Stack) => formatFindings(unacknowledgedFindings(stack)).filter(f => f.includes(`${stack.stackName}/Crm/`));
    expect(underConnection(ours)).toEqual([]);

    const stock = testStack('Stock');
    const stockCrm = crm(stock);
    orderRule(stock).addTarget(new eventsTargets.ApiDestination(stockCrm.orders));
    expect(underConnection(stock)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^HIPAA\.Security HIPAA\.Security-IAMNoInlinePolicy at Stock\/Crm\/Orders\/EventsRole/),
      expect.stringMatching(/^NIST\.800\.53\.R5 NIST\.800\.53\.R5-IAMNoInlinePolicy at Stock\/Crm\/Orders\/EventsRole/),
      expect.stringMatching(/^PCI\.DSS\.321 PCI\.DSS\.321-IAMNoInlinePolicy at Stock\/Crm\/Orders\/EventsRole/),
    ]));
  });

  test('two rules share the destination\'s one role; the request options reach the target', () => {
    const stack = testStack();
    const { conn, orders } = crm(stack);
    orderRule(stack, 'Placed').addTarget(conn.ruleTarget(orders));
    orderRule(stack, 'Cancelled').addTarget(conn.ruleTarget(orders, {
      event: events.RuleTargetInput.fromObject({ kind: 'cancelled' }),
      headerParameters: { 'x-source': 'eventbridge' },
      pathParameterValues: ['eu'],
      queryStringParameters: { dryRun: 'false' },
    }));
    const template = Template.fromStack(stack);
    only(template, 'AWS::IAM::Role');
    only(template, 'AWS::IAM::ManagedPolicy');
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({
        Input: '{"kind":"cancelled"}',
        HttpParameters: { HeaderParameters: { 'x-source': 'eventbridge' }, PathParameterValues: ['eu'], QueryStringParameters: { dryRun: 'false' } },
      })],
    });
  });

  test('a dead-letter queue on a key of the stack: the queue admits only this rule, the key admits EventBridge, retries as given, no cycle', () => {
    const stack = testStack();
    const { conn, orders } = crm(stack);
    const queueKey = new EncryptionKey(stack, 'QueueKey', { protects: 'undelivered orders' });
    const undelivered = new sqs.Queue(stack, 'Undelivered', { encryptionMasterKey: queueKey, enforceSSL: true });
    const rule = orderRule(stack);
    rule.addTarget(conn.ruleTarget(orders, { deadLetterQueue: undelivered, retryAttempts: 10, maxEventAge: Duration.hours(2) }));
    const template = Template.fromStack(stack);
    const ruleId = stack.getLogicalId(rule.node.defaultChild as events.CfnRule);
    const queueId = stack.getLogicalId(undelivered.node.defaultChild as sqs.CfnQueue);

    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } }, RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 } })],
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
        }]),
      },
    });
    const keyId = stack.getLogicalId(queueKey.node.defaultChild as kms.CfnKey);
    const statements: any[] = template.toJSON().Resources[keyId].Properties.KeyPolicy.Statement;
    expect(statements.filter(s => s.Principal?.Service === 'events.amazonaws.com').map(({ Sid, ...rest }) => rest)).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:111122223333:rule/*' } },
    }]);
    expect(findCycle(template.toJSON())).toBeUndefined();
  });

  test('an imported dead-letter queue and its imported key: nothing is edited, two warnings say what to add', () => {
    const stack = testStack();
    const { conn, orders } = crm(stack);
    const queue = sqs.Queue.fromQueueAttributes(stack, 'Undelivered', {
      queueArn: 'arn:aws:sqs:eu-west-1:111122223333:undelivered',
      keyArn: 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555',
    });
    orderRule(stack).addTarget(conn.ruleTarget(orders, { deadLetterQueue: queue }));
    const annotations = Annotations.fromStack(stack);
    const queueWarning = annotations.findWarning('/TestStack/OrderPlaced', Match.stringLikeRegexp('dead-letter-queue-policy-not-managed'));
    expect(queueWarning).toHaveLength(1);
    expect(String(queueWarning[0].entry.data)).toContain('"aws:SourceArn": "<ARN of rule TestStack/OrderPlaced>"');
    const keyWarning = annotations.findWarning('/TestStack/OrderPlaced', Match.stringLikeRegexp('key-policy-statements-required'));
    expect(keyWarning).toHaveLength(1);
    expect(String(keyWarning[0].entry.data)).toContain('"aws:SourceArn": "arn:aws:events:eu-west-1:111122223333:rule/*"');
  });

  const bad: Array<[string, (conn: EncryptedConnection, stack: Stack) => unknown, RegExp]> = [
    ['a destination of another connection', (conn, stack) => {
      const other = new EncryptedConnection(stack, 'Billing', { authorization: API_KEY() });
      return conn.ruleTarget(other.addApiDestination('Invoices', { endpoint: 'https://api.example.com/invoices', rateLimitPerSecond: 1 }));
    }, /destination: got TestStack\/Billing\/Invoices; uses another connection \(TestStack\/Billing\/Resource\)/],
    ['no destination (JavaScript)', conn => conn.ruleTarget(undefined as any), /destination: got undefined; must be an events.IApiDestination/],
    ['retryAttempts above 185', (conn, stack) => conn.ruleTarget(stack.node.findChild('Crm').node.findChild('Orders') as events.ApiDestination, { retryAttempts: 186 }),
      /retryAttempts: got 186; must be a whole number from 0 to 185/],
    ['maxEventAge under a minute', (conn, stack) => conn.ruleTarget(stack.node.findChild('Crm').node.findChild('Orders') as events.ApiDestination, { maxEventAge: Duration.seconds(30) }),
      /maxEventAge: got 30 seconds; must be a whole number of seconds from 60 to 86400/],
    ['maxEventAge over a day', (conn, stack) => conn.ruleTarget(stack.node.findChild('Crm').node.findChild('Orders') as events.ApiDestination, { maxEventAge: Duration.hours(25) }),
      /maxEventAge: got 90000 seconds/],
    ['a FIFO dead-letter queue', (conn, stack) => conn.ruleTarget(stack.node.findChild('Crm').node.findChild('Orders') as events.ApiDestination, {
      deadLetterQueue: new sqs.Queue(stack, 'Fifo', { fifo: true }),
    }), /deadLetterQueue: got "TestStack\/Fifo"; must be a standard queue/],
  ];
  test.each(bad)('refuses %s, naming the call', (_name, call, message) => {
    const stack = testStack();
    const { conn } = crm(stack);
    let error: unknown;
    try {
      call(conn, stack);
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(message);
    expect(String(error)).toMatch(/invalid props for TestStack\/Crm\.ruleTarget\(/);
  });
});
