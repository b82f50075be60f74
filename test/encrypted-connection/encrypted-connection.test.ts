import { App, CfnParameter, Annotations as CoreAnnotations, SecretValue, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AuditTrail, EncryptionKey, KeyAuditTrail, KeyPolicyStatements } from '../../src';
import { ConnectionApiDestinationOptions, EncryptedConnection, EncryptedConnectionProps } from '../../src/encrypted-connection';
import { KEY_POLICY_STATEMENTS_REQUIRED_WARNING } from '../../src/key/key-policy';
import { SharedAlarmTopic } from '../../src/stack/alarm-topic';
import { ComplianceBatch, formatFindings } from '../support/compliance';
import { byRole, TEST_ENV, testStack } from '../support/fixtures';
import { findCycle } from '../support/template-graph';

const API_KEY = () => events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key'));
const SECRET_ARN_PATTERN = (name: string) => `arn:aws:secretsmanager:eu-west-1:111122223333:secret:events!connection/${name}/*`;
const SLR_ARN = 'arn:aws:iam::111122223333:role/aws-service-role/apidestinations.events.amazonaws.com/AWSServiceRoleForAmazonEventBridgeApiDestinations';
const SENTINEL = 'pl41n-t3xt-s3cr3t-sentinel';

/** What a user writes (the example). */
function crm(stack: Stack, props: Partial<EncryptedConnectionProps> = {}): EncryptedConnection {
  const conn = new EncryptedConnection(stack, 'Crm', { authorization: API_KEY(), ...props });
  conn.addApiDestination('Orders', { endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 10 });
  return conn;
}

/** The fullest configuration: strict key, OAuth with secret parameters, invocation parameters, a grant, two destinations. */
function fullest(stack: Stack): EncryptedConnection {
  const conn = new EncryptedConnection(stack, 'Crm', {
    connectionName: 'crm-oauth',
    description: 'CRM API with OAuth client credentials',
    keyOptions: { strictMode: true, alias: 'crm/connection', administrators: [new iam.AccountRootPrincipal()] },
    authorization: events.Authorization.oauth({
      authorizationEndpoint: 'https://auth.example.com/oauth2/token',
      httpMethod: events.HttpMethod.POST,
      clientId: 'crm-client',
      clientSecret: SecretValue.secretsManager('crm/oauth', { jsonField: 'clientSecret' }),
      bodyParameters: { audience: events.HttpParameter.fromString('crm-api') },
      headerParameters: { 'x-tenant-token': events.HttpParameter.fromSecret(SecretValue.secretsManager('crm/tenant-token')) },
    }),
    headerParameters: { 'x-client': events.HttpParameter.fromString('cdk-encrypted-constructs') },
    queryStringParameters: { region: events.HttpParameter.fromString('eu') },
    bodyParameters: { signature: events.HttpParameter.fromSecret(SecretValue.secretsManager('crm/signature', { jsonField: 'value' })) },
  });
  conn.addApiDestination('Orders', { endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 10, httpMethod: events.HttpMethod.PUT, description: 'Orders' });
  conn.addApiDestination('Invoices', { endpoint: 'https://api.example.com/invoices/*', rateLimitPerSecond: 300, apiDestinationName: 'crm-invoices' });
  // a role managed elsewhere (the grant names it in the key policy; its own policy is not ours to edit here)
  conn.grantRetrieveConnectionCredentials(iam.Role.fromRoleArn(stack, 'WorkflowRole', 'arn:aws:iam::111122223333:role/crm-workflow', { mutable: false }));
  return conn;
}

function keyStatements(template: Template, logicalIdPrefix: string): any[] {
  const keys = template.findResources('AWS::KMS::Key');
  const id = Object.keys(keys).find(k => k.startsWith(logicalIdPrefix));
  if (!id) throw new Error(`no key ${logicalIdPrefix} in ${Object.keys(keys)}`);
  return keys[id].Properties.KeyPolicy.Statement;
}

function withoutSid(statement: any): any {
  const { Sid, ...rest } = statement;
  return rest;
}

/** Every credential-bearing value of every connection in the template (walks the whole template). */
function credentialValues(template: any): { path: string; value: unknown }[] {
  const found: { path: string; value: unknown }[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) { node.forEach((n, i) => walk(n, `${path}[${i}]`)); return; }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) {
      if (['ApiKeyValue', 'Password', 'ClientSecret'].includes(k)) found.push({ path: `${path}.${k}`, value: v });
      else if (k === 'Value' && o.IsValueSecret === true) found.push({ path: `${path}.Value`, value: v });
      else walk(v, `${path}.${k}`);
    }
  };
  walk(template, '');
  return found;
}

function isDynamicReference(value: unknown): boolean {
  if (typeof value === 'string') return /^\{\{resolve:secretsmanager:[^{}]+\}\}$/.test(value);
  const join = (value as any)?.['Fn::Join'];
  return Array.isArray(join) && join[0] === '' && join[1][0] === '{{resolve:secretsmanager:' && /^:[^{}]*\}\}$/.test(join[1][join[1].length - 1]);
}

describe('EncryptedConnection', () => {
  // the two configurations' Control Tower findings in one cfn-guard run
  const compliance = new ComplianceBatch();
  const byDefault = compliance.add(testStack());
  crm(byDefault);
  const fullestStack = compliance.add(testStack());
  fullest(fullestStack);

  test('the default configuration has zero unacknowledged cdk-nag and Control Tower findings, and no dependency cycle', () => {
    expect(formatFindings(compliance.unacknowledged(byDefault))).toEqual([]);
    expect(findCycle(Template.fromStack(byDefault).toJSON())).toBeUndefined();
  });

  test('the fullest configuration has zero unacknowledged findings and no dependency cycle', () => {
    expect(formatFindings(compliance.unacknowledged(fullestStack))).toEqual([]);
    expect(findCycle(Template.fromStack(fullestStack).toJSON())).toBeUndefined();
  });

  test('the default configuration matches the snapshot', () => {
    const stack = testStack();
    crm(stack);
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });

  test('synthesis is deterministic: the same app twice gives the same template', () => {
    const render = () => { const stack = testStack(); fullest(stack); return JSON.stringify(Template.fromStack(stack).toJSON()); };
    expect(render()).toEqual(render());
  });

  describe('the connection', () => {
    test('names the key in KmsKeyIdentifier, has a stable name from the construct path, and holds only a dynamic reference', () => {
      const stack = testStack();
      const conn = crm(stack);
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Events::Connection', 1);
      template.hasResourceProperties('AWS::Events::Connection', {
        Name: 'TestStack-Crm-B4DDC744',
        AuthorizationType: 'API_KEY',
        AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: '{{resolve:secretsmanager:crm/api-key:SecretString:::}}' } },
        KmsKeyIdentifier: { 'Fn::GetAtt': [stack.getLogicalId(conn.encryptionKey.node.defaultChild as kms.CfnKey), 'Arn'] },
      });
      expect(conn.connectionName).toBe('TestStack-Crm-B4DDC744');
      expect(conn.node.tryFindChild('Key')).toBe(conn.encryptionKey);
      expect(conn.node.findChild('Resource')).toBe(conn.connection);
    });

    test('takes name, description and invocation parameters from props', () => {
      const stack = testStack();
      fullest(stack);
      Template.fromStack(stack).hasResourceProperties('AWS::Events::Connection', {
        Name: 'crm-oauth',
        Description: 'CRM API with OAuth client credentials',
        AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
        AuthParameters: {
          OAuthParameters: Match.objectLike({ AuthorizationEndpoint: 'https://auth.example.com/oauth2/token', HttpMethod: 'POST' }),
          InvocationHttpParameters: {
            HeaderParameters: [{ Key: 'x-client', Value: 'cdk-encrypted-constructs', IsValueSecret: false }],
            QueryStringParameters: [{ Key: 'region', Value: 'eu', IsValueSecret: false }],
            BodyParameters: [{ Key: 'signature', Value: '{{resolve:secretsmanager:crm/signature:SecretString:value::}}', IsValueSecret: true }],
          },
        },
      });
    });

    test('no credential appears in plain text anywhere in the synthesized template: every secret is a Secrets Manager dynamic reference', () => {
      for (const build of [crm, fullest]) {
        const stack = testStack();
        build(stack);
        const template = Template.fromStack(stack).toJSON();
        const secrets = credentialValues(template);
        // API key value (default); client secret, OAuth secret header, secret body parameter (fullest)
        expect(secrets.length).toBe(build === crm ? 1 : 3);
        for (const s of secrets) expect({ path: s.path, dynamicReference: isDynamicReference(s.value) }).toEqual({ path: s.path, dynamicReference: true });
      }
    });

    test('a plain-text credential is a synth error that names the prop and never prints the secret', () => {
      const stack = testStack();
      const build = () => new EncryptedConnection(stack, 'Crm', { authorization: events.Authorization.apiKey('x-api-key', SecretValue.unsafePlainText(SENTINEL)) });
      expect(build).toThrow('invalid props for TestStack/Crm:\n  - authorization.apiKeyValue: got a plain-text value (not shown), which would be stored in the template; must be a SecretValue that resolves to a Secrets Manager dynamic reference');
      try { build(); } catch (e) { expect(String(e)).not.toContain(SENTINEL); }
      expect(JSON.stringify(stack.node.metadata)).not.toContain(SENTINEL);
    });

    test('a Secrets Manager secret of the same stack is accepted (its reference is joined in the template)', () => {
      const stack = testStack();
      const secret = new secretsmanager.Secret(stack, 'Password');
      new EncryptedConnection(stack, 'Crm', { authorization: events.Authorization.basic('crm-user', secret.secretValue) });
      Template.fromStack(stack).hasResourceProperties('AWS::Events::Connection', {
        AuthParameters: { BasicAuthParameters: { Username: 'crm-user', Password: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: Match.stringLikeRegexp('^Password') }, ':SecretString:::}}']] } } },
      });
    });
  });

  describe('the key', () => {
    test('a created key always carries EventBridgeApiDestinations=true, rotates and is retained', () => {
      const stack = testStack();
      crm(stack);
      Template.fromStack(stack).hasResource('AWS::KMS::Key', {
        Properties: Match.objectLike({
          Description: 'Customer managed key for the credentials of EventBridge connection TestStack-Crm-B4DDC744 (cdk-encrypted-constructs)',
          EnableKeyRotation: true,
          Tags: Match.arrayWith([{ Key: 'EventBridgeApiDestinations', Value: 'true' }]),
        }),
        DeletionPolicy: 'Retain',
      });
    });

    test('the key policy lets Secrets Manager use the key only for this connection\'s secret, only while the key is tagged', () => {
      const stack = testStack();
      crm(stack, { connectionName: 'crm' });
      const statements = keyStatements(Template.fromStack(stack), 'CrmKey').map(withoutSid);
      const viaSecretsManager = {
        'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com',
        'kms:CallerAccount': '111122223333',
        'aws:ResourceTag/EventBridgeApiDestinations': 'true',
      };
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: 'kms:DescribeKey',
        Resource: '*',
        Condition: { StringEquals: viaSecretsManager },
      });
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
        Condition: { StringEquals: viaSecretsManager, StringLike: { 'kms:EncryptionContext:SecretARN': SECRET_ARN_PATTERN('crm') } },
      });
    });

    test('strict mode: the account root only administers the key, and only the API-destinations service-linked role may use it for the secret', () => {
      const stack = testStack();
      crm(stack, { connectionName: 'crm', keyOptions: { strictMode: true } });
      const statements = keyStatements(Template.fromStack(stack), 'CrmKey');
      expect(statements.filter(s => [s.Action].flat().includes('kms:*'))).toEqual([]);
      expect(statements.map(withoutSid)).toContainEqual({
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
          StringLike: { 'kms:EncryptionContext:SecretARN': SECRET_ARN_PATTERN('crm') },
          ArnEquals: { 'aws:PrincipalArn': SLR_ARN },
        },
      });
    });

    test('no Allow statement that lets a service or role use any key in the stack lacks conditions, except the one SNS requires for EventBridge', () => {
      const stack = testStack();
      fullest(stack);
      const usage = /^kms:(\*|Encrypt|Decrypt|GenerateDataKey|ReEncrypt|CreateGrant)/;
      const keys = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'));
      expect(keys.length).toBeGreaterThan(1);
      for (const key of keys) {
        for (const s of key.Properties.KeyPolicy.Statement) {
          const root = /:root"?\]*\}*\]*$/.test(JSON.stringify(s.Principal?.AWS ?? ''));
          const grantsUse = s.Effect === 'Allow' && [s.Action].flat().some((a: string) => usage.test(a));
          // SNS: "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not supported
          // for EventBridge-to-encrypted topics": the alert topic's key lets EventBridge in without conditions.
          const snsForEventBridge = /^SnsTopicEventBridge/.test(s.Sid ?? '') && s.Principal?.Service === 'events.amazonaws.com';
          if (grantsUse && !root && !snsForEventBridge) expect({ sid: s.Sid, conditions: Object.keys(s.Condition ?? {}).length > 0 }).toEqual({ sid: s.Sid, conditions: true });
        }
      }
    });

    test('a key of the same stack that the user brings is tagged and gets the statements', () => {
      const stack = testStack();
      const key = new kms.Key(stack, 'TeamKey', { enableKeyRotation: true });
      const conn = crm(stack, { encryptionKey: key, connectionName: 'crm' });
      const template = Template.fromStack(stack);
      expect(conn.encryptionKey).toBe(key);
      expect(conn.node.tryFindChild('Key')).toBeUndefined();
      template.hasResourceProperties('AWS::KMS::Key', { Tags: [{ Key: 'EventBridgeApiDestinations', Value: 'true' }] });
      expect(keyStatements(template, 'TeamKey')).toContainEqual(expect.objectContaining({
        Condition: expect.objectContaining({ StringLike: { 'kms:EncryptionContext:SecretARN': SECRET_ARN_PATTERN('crm') } }),
      }));
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('EventBridgeApiDestinations=true'));
    });

    test('two connections on one key each add the statement for their own secret, and the key is tagged once', () => {
      const stack = testStack();
      const key = new EncryptionKey(stack, 'SharedKey', { protects: 'CRM and ERP credentials' });
      new EncryptedConnection(stack, 'Crm', { authorization: API_KEY(), encryptionKey: key, connectionName: 'crm' });
      new EncryptedConnection(stack, 'Erp', { authorization: API_KEY(), encryptionKey: key, connectionName: 'erp' });
      const template = Template.fromStack(stack);
      const contexts = keyStatements(template, 'SharedKey').map(s => s.Condition?.StringLike?.['kms:EncryptionContext:SecretARN']).filter(Boolean);
      expect(contexts).toEqual([SECRET_ARN_PATTERN('crm'), SECRET_ARN_PATTERN('erp')]);
      expect(keyStatements(template, 'SharedKey').filter(s => s.Sid?.startsWith('ConnectionDescribe'))).toHaveLength(1);
      template.hasResourceProperties('AWS::KMS::Key', { Description: Match.stringLikeRegexp('CRM and ERP'), Tags: [{ Key: 'EventBridgeApiDestinations', Value: 'true' }] });
    });

    test('an imported key is not edited: acknowledgeable warnings list the statements for its owner and say the tag is required', () => {
      const stack = testStack();
      const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd');
      crm(stack, { encryptionKey: key, connectionName: 'crm' });
      const annotations = Annotations.fromStack(stack);
      const policy = annotations.findWarning('/TestStack/Crm', Match.stringLikeRegexp('For the EventBridge connection crm(;[^,]*)?, its owner must add'));
      expect(policy).toHaveLength(1);
      expect(String(policy[0].entry.data)).toContain(`"kms:EncryptionContext:SecretARN": "${SECRET_ARN_PATTERN('crm')}"`);
      expect(String(policy[0].entry.data)).not.toContain('ConnectionCrossAccount');
      const tag = annotations.findWarning('/TestStack/Crm', Match.stringLikeRegexp('carries the tag EventBridgeApiDestinations=true'));
      expect(tag).toHaveLength(1);
      expect(String(tag[0].entry.data)).toContain('The key arn:aws:kms:eu-west-1:111122223333:key/1234abcd is not defined in this stack');
      expect(String(tag[0].entry.data)).toContain(`[ack: ${EncryptedConnection.API_DESTINATIONS_TAG_WARNING}]`);
      // only the audit trail's, the alert topic's and the stack's alarm and dead-letter key: none for the connection
      Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 3);
    });

    test('the warnings go away once acknowledged', () => {
      const stack = testStack();
      const conn = crm(stack, { encryptionKey: kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd') });
      CoreAnnotations.of(conn).acknowledgeWarning(EncryptedConnection.API_DESTINATIONS_TAG_WARNING, 'the key is tagged by the platform team');
      CoreAnnotations.of(conn).acknowledgeWarning(KEY_POLICY_STATEMENTS_REQUIRED_WARNING, 'the platform team added the statements');
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });

    test('a key of another account: the printed statements include the cross-account statement AWS documents for the key owner', () => {
      const stack = testStack();
      crm(stack, { encryptionKey: kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:999988887777:key/1234abcd'), connectionName: 'crm' });
      const warning = Annotations.fromStack(stack).findWarning('/TestStack/Crm', Match.stringLikeRegexp('For the EventBridge connection crm'));
      const text = String(warning[0].entry.data);
      const statements = JSON.parse(text.slice(text.indexOf('\n[') + 1, text.lastIndexOf(']\n') + 1));
      expect(statements.map(withoutSid)).toContainEqual({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:role/AmazonEventBridgeApiDestinationsInternalServiceRolePolicy' },
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': '111122223333', 'aws:ResourceTag/EventBridgeApiDestinations': 'true' } },
      });
      // the connection's account is the principal of the Secrets Manager statements too
      expect(statements.filter((s: any) => s.Sid.startsWith('ConnectionSecret'))[0].Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:root' });
    });

    test('a key defined in another stack is not edited; its tag is checked after aspects ran', () => {
      const app = new App();
      const keys = new Stack(app, 'Keys', { env: TEST_ENV });
      const untagged = new EncryptionKey(keys, 'Untagged', { protects: 'x' });
      const tagged = new EncryptionKey(keys, 'Tagged', { protects: 'y' });
      Tags.of(tagged).add('EventBridgeApiDestinations', 'true');
      const stack = new Stack(app, 'Connections', { env: TEST_ENV });
      new EncryptedConnection(stack, 'A', { authorization: API_KEY(), encryptionKey: untagged });
      new EncryptedConnection(stack, 'B', { authorization: API_KEY(), encryptionKey: tagged });
      const tagWarnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('carries the tag EventBridgeApiDestinations=true'));
      expect(tagWarnings.map(w => w.id)).toEqual(['/Connections/A']);
      expect(String(tagWarnings[0].entry.data)).toContain('it is defined in stack Keys, which does not tag it');
      const untaggedKey = Template.fromStack(keys).findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('for x ') } });
      expect(JSON.stringify(untaggedKey)).not.toContain('EventBridgeApiDestinations');
    });
  });

  describe('deauthorization', () => {
    test('a rule on the connection\'s deauthorization events notifies the stack-shared audit trail\'s alert topic, with its dead-letter queue', () => {
      const stack = testStack();
      const conn = crm(stack, { connectionName: 'crm' });
      const template = Template.fromStack(stack);
      const trail = KeyAuditTrail.of(stack);
      expect(conn.alertTopic).toBe(trail.alertTopic);
      expect(conn.alertDeadLetterQueue).toBe(trail.alertDeadLetterQueue);
      expect(conn.node.tryFindChild('AlertDeadLetterQueue')).toBeUndefined();
      const ruleArn = 'arn:aws:events:eu-west-1:111122223333:rule/TestStack-Crm-B4DDC744-deauth';
      template.hasResourceProperties('AWS::Events::Rule', {
        Name: 'TestStack-Crm-B4DDC744-deauth',
        EventPattern: {
          'source': ['aws.events'],
          'detail-type': ['Connection Deauthorization Started', 'Connection Deauthorized', 'Connection Failed Connectivity'],
          'detail': { ConnectionName: ['crm'] },
        },
        Targets: [{
          Id: 'Target0',
          Arn: { Ref: stack.getLogicalId(trail.alertTopic.node.defaultChild as sns.CfnTopic) },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [stack.getLogicalId(conn.alertDeadLetterQueue.node.defaultChild as any), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        }],
      });
      // only the stack's alert rules (this one and the key-tampering rule) may publish to the topic and dead-letter into the queue
      const tamperingRuleArn = 'arn:aws:events:eu-west-1:111122223333:rule/TestStack-KeyTamperingAlert-59E9E02F';
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Condition: { ArnEquals: { 'aws:SourceArn': [tamperingRuleArn, ruleArn] } } })]) },
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': [tamperingRuleArn, ruleArn] } } })]) },
      });
      // the dead-letter queue is encrypted with the stack's dead-letter key (not the connection's, not the alert
      // topic's), which lets EventBridge in as AWS documents it, checking the source only if EventBridge presents one:
      // one statement lists every alert rule of the stack
      template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(trail.deadLetterKey.node.defaultChild as kms.CfnKey), 'Arn'] } });
      expect(keyStatements(template, 'EncryptedConstructsAlarmTopicKey').map(withoutSid)).toContainEqual({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
        Condition: { ArnLikeIfExists: { 'aws:SourceArn': [tamperingRuleArn, ruleArn] } },
      });
      // and an alarm on the rule's failed deliveries, through the alarm topic (another key than the alert topic's)
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([Match.objectLike({ Id: 'failed', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'FailedInvocations', Dimensions: [{ Name: 'RuleName', Value: 'TestStack-Crm-B4DDC744-deauth' }] }) }) })]),
        AlarmActions: [{ Ref: stack.getLogicalId(SharedAlarmTopic.of(stack).node.defaultChild as sns.CfnTopic) }],
      });
    });

    test('without the stack-shared trail, alerts go to a new topic encrypted with a dedicated key, never the connection\'s', () => {
      const stack = testStack();
      const conn = crm(stack, { auditTrail: AuditTrail.none() });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::CloudTrail::Trail', 0);
      const alertKey = conn.node.findChild('AlertKey') as EncryptionKey;
      const alertKeyId = stack.getLogicalId(alertKey.node.defaultChild as kms.CfnKey);
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [alertKeyId, 'Arn'] } });
      // the dead letters on the stack's dead-letter key: never the topic's key, whose failure they may be caused by
      template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(SharedAlarmTopic.keyOf(stack).node.defaultChild as kms.CfnKey), 'Arn'] } });
      expect(alertKey).not.toBe(conn.encryptionKey);
      // the topic's statement as SNS requires it for EventBridge (no source conditions)
      expect(keyStatements(template, 'CrmAlertKey').map(withoutSid)).toContainEqual({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
      });
      expect(conn.auditTrailArn).toBeUndefined();
    });

    test('alerts go to the topic the user brings', () => {
      const stack = testStack();
      const topic = new sns.Topic(stack, 'OpsTopic', { enforceSSL: true, masterKey: new EncryptionKey(stack, 'OpsKey', { protects: 'ops alerts' }) });
      const conn = crm(stack, { alertTopic: topic });
      expect(conn.alertTopic).toBe(topic);
      Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({ source: ['aws.events'] }),
        Targets: [Match.objectLike({ Arn: { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) } })],
      });
      expect(conn.node.tryFindChild('AlertTopic')).toBeUndefined();
    });

    test('a topic the user brings, encrypted with a key of this stack: that key lets EventBridge publish', () => {
      const stack = testStack();
      const opsKey = new EncryptionKey(stack, 'OpsKey', { protects: 'ops alerts' });
      crm(stack, { alertTopic: new sns.Topic(stack, 'OpsTopic', { enforceSSL: true, masterKey: opsKey }) });
      const template = Template.fromStack(stack);
      expect(keyStatements(template, 'OpsKey').map(withoutSid)).toContainEqual({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
      });
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp(KEY_POLICY_STATEMENTS_REQUIRED_WARNING));
    });

    test('a topic the user brings, encrypted with an imported key: one warning lists the EventBridge statement for its owner', () => {
      const stack = testStack();
      const opsKey = kms.Key.fromKeyArn(stack, 'OpsKey', 'arn:aws:kms:eu-west-1:111122223333:key/0000aaaa');
      crm(stack, { alertTopic: new sns.Topic(stack, 'OpsTopic', { enforceSSL: true, masterKey: opsKey }) });
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('The key arn:aws:kms:eu-west-1:111122223333:key/0000aaaa'));
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0].entry.data)).toContain('For the deauthorization alert topic of EventBridge connection');
      expect(String(warnings[0].entry.data)).toContain('"Service": "events.amazonaws.com"');
    });

    test('without the stack-shared trail, a topic the user brings on a key of this stack: no AlertKey, the dead-letter queue on the stack\'s dead-letter key, not the topic\'s', () => {
      const stack = testStack();
      const opsKey = new EncryptionKey(stack, 'OpsKey', { protects: 'ops alerts' });
      const conn = crm(stack, { auditTrail: AuditTrail.none(), alertTopic: new sns.Topic(stack, 'OpsTopic', { enforceSSL: true, masterKey: opsKey }) });
      expect(conn.node.tryFindChild('AlertKey')).toBeUndefined();
      expect(conn.node.tryFindChild('AlertTopic')).toBeUndefined();
      expect(conn.alertDeadLetterQueue.encryptionMasterKey).toBe(SharedAlarmTopic.keyOf(stack));
    });

    test('an alert topic on the connection\'s own key is refused at synth: its alerts would need the key whose loss they report', () => {
      const stack = testStack();
      const key = new EncryptionKey(stack, 'ConnKey', { protects: 'crm' });
      expect(() => crm(stack, { encryptionKey: key, alertTopic: new sns.Topic(stack, 'OpsTopic', { enforceSSL: true, masterKey: key }) }))
        .toThrow(/alertTopic: .*OpsTopic.*must not be encrypted with the connection's own key/);
    });
  });

  describe('API destinations', () => {
    test('addApiDestination creates an API destination that uses this connection', () => {
      const stack = testStack();
      const conn = crm(stack);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Events::ApiDestination', {
        ConnectionArn: { 'Fn::GetAtt': [stack.getLogicalId(conn.node.findChild('Resource').node.findChild('Connection') as events.CfnConnection), 'Arn'] },
        InvocationEndpoint: 'https://api.example.com/orders',
        InvocationRateLimitPerSecond: 10,
        HttpMethod: 'POST',
      });
    });

    test('an API destination the user creates with the connection works the same way', () => {
      const stack = testStack();
      const conn = new EncryptedConnection(stack, 'Crm', { authorization: API_KEY() });
      new events.ApiDestination(stack, 'Own', { connection: conn.connection, endpoint: 'https://api.example.com/own', rateLimitPerSecond: 5 });
      Template.fromStack(stack).hasResourceProperties('AWS::Events::ApiDestination', {
        ConnectionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CrmConnection'), 'Arn'] },
        InvocationEndpoint: 'https://api.example.com/own',
      });
    });

    test('a rate limit above the default quota of 300 per second is an acknowledgeable warning, not an error', () => {
      const stack = testStack();
      const conn = new EncryptedConnection(stack, 'Crm', { authorization: API_KEY() });
      conn.addApiDestination('Fast', { endpoint: 'https://api.example.com/fast', rateLimitPerSecond: 1000 });
      conn.addApiDestination('Ok', { endpoint: 'https://api.example.com/ok', rateLimitPerSecond: 300 });
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('above EventBridge\'s default quota'));
      expect(warnings.map(w => w.id)).toEqual(['/TestStack/Crm/Fast']);
      expect(String(warnings[0].entry.data)).toContain(`[ack: ${EncryptedConnection.RATE_LIMIT_QUOTA_WARNING}]`);
    });
  });

  describe('verification', () => {
    test('one verification resource checks the connection, its secret and the key\'s tag, after the connection exists', () => {
      const stack = testStack();
      const conn = crm(stack);
      const template = Template.fromStack(stack);
      const connectionId = stack.getLogicalId(conn.connection.node.findChild('Connection') as events.CfnConnection);
      template.resourceCountIs('Custom::EncryptionVerification', 1);
      template.hasResource('Custom::EncryptionVerification', {
        Properties: Match.objectLike({
          KeyArn: { 'Fn::GetAtt': [stack.getLogicalId(conn.encryptionKey.node.defaultChild as kms.CfnKey), 'Arn'] },
          Resources: [{ Type: 'AWS::Events::Connection', Name: 'TestStack-Crm-B4DDC744' }],
        }),
        DependsOn: Match.arrayWith([connectionId]),
      });
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            // IAM authorizes DescribeConnection against connection/<name>, not the /<uuid> of Fn::GetAtt Arn
            { Action: 'events:DescribeConnection', Effect: 'Allow', Resource: 'arn:aws:events:eu-west-1:111122223333:connection/TestStack-Crm-B4DDC744' },
            { Action: 'secretsmanager:DescribeSecret', Effect: 'Allow', Resource: { 'Fn::GetAtt': [connectionId, 'SecretArn'] } },
          ]),
        },
      });
    });

    test('verifyEncryption: false creates no verification', () => {
      const stack = testStack();
      const conn = crm(stack, { verifyEncryption: false });
      Template.fromStack(stack).resourceCountIs('Custom::EncryptionVerification', 0);
      expect(conn.verification).toBeUndefined();
    });
  });

  test('grantRetrieveConnectionCredentials lets a role read the credentials, decrypting only through Secrets Manager for this secret', () => {
    const stack = testStack();
    const conn = crm(stack, { connectionName: 'crm', keyOptions: { strictMode: true } });
    const role = new iam.Role(stack, 'WorkflowRole', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    conn.grantRetrieveConnectionCredentials(role);
    const template = Template.fromStack(stack);
    const connectionId = stack.getLogicalId(conn.connection.node.findChild('Connection') as events.CfnConnection);
    const keyId = stack.getLogicalId(conn.encryptionKey.node.defaultChild as kms.CfnKey);
    const conditions = {
      StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' },
      StringLike: { 'kms:EncryptionContext:SecretARN': SECRET_ARN_PATTERN('crm') },
    };
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: [
          { Action: 'events:RetrieveConnectionCredentials', Effect: 'Allow', Resource: { 'Fn::GetAtt': [connectionId, 'Arn'] } },
          { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [connectionId, 'SecretArn'] } },
          { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] }, Condition: conditions },
        ],
      },
    });
    expect(keyStatements(template, 'CrmKey').map(withoutSid)).toContainEqual({
      Effect: 'Allow',
      ...byRole({ 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as iam.CfnRole), 'Arn'] }, conditions),
      Action: 'kms:Decrypt',
      Resource: '*',
    });
    expect(findCycle(template.toJSON())).toBeUndefined();
  });

  describe('validation', () => {
    const longText = 'd'.repeat(513);
    const oauth = (overrides: Partial<events.OAuthAuthorizationProps>) => events.Authorization.oauth({
      authorizationEndpoint: 'https://auth.example.com/token',
      httpMethod: events.HttpMethod.POST,
      clientId: 'client',
      clientSecret: SecretValue.secretsManager('crm/client'),
      ...overrides,
    });

    test.each<[string, (stack: Stack) => Partial<EncryptedConnectionProps>, string]>([
      ['a name with a space', () => ({ connectionName: 'crm api' }), 'connectionName: got "crm api"; must be 1 to 64 characters of letters, digits, ".", "-" and "_"'],
      ['a name of 65 characters', () => ({ connectionName: 'c'.repeat(65) }), 'connectionName: got "ccccc'],
      ['an empty name', () => ({ connectionName: '' }), 'connectionName: got ""; must be 1 to 64 characters'],
      ['a description of 513 characters', () => ({ description: longText }), 'description: got "ddd'],
      ['a plain-text API key', () => ({ authorization: events.Authorization.apiKey('x-api-key', SecretValue.unsafePlainText(SENTINEL)) }),
        'authorization.apiKeyValue: got a plain-text value (not shown), which would be stored in the template; must be a SecretValue that resolves to a Secrets Manager dynamic reference'],
      ['an empty API key name', () => ({ authorization: events.Authorization.apiKey('', SecretValue.secretsManager('k')) }), 'authorization.apiKeyName: got ""; must be a string of 1 to 512 characters'],
      ['an SSM SecureString password', () => ({ authorization: events.Authorization.basic('user', SecretValue.ssmSecure('/crm/password')) }),
        'authorization.password: got an SSM SecureString reference, which AWS::Events::Connection does not resolve'],
      ['a password from a CloudFormation parameter', (stack) => ({ authorization: events.Authorization.basic('user', SecretValue.cfnParameter(new CfnParameter(stack, 'Pw', { noEcho: true }))) }),
        'authorization.password: got a CloudFormation expression ({"Ref":"Pw"}), not a dynamic reference'],
      ['a username with a colon', () => ({ authorization: events.Authorization.basic('crm:user', SecretValue.secretsManager('p')) }), 'authorization.username: got "crm:user"; must not contain ":"'],
      ['a dynamic reference mixed with plain text', () => ({ authorization: events.Authorization.apiKey('k', SecretValue.unsafePlainText('Bearer {{resolve:secretsmanager:crm/token}}')) }),
        'authorization.apiKeyValue: got a dynamic reference mixed with other text'],
      ['an OAuth endpoint over plain HTTP', () => ({ authorization: oauth({ authorizationEndpoint: 'http://auth.example.com/token' }) }),
        'authorization.authorizationEndpoint: got "http://auth.example.com/token"; must be an https:// URL of at most 2048 characters'],
      ['an OAuth client id missing', () => ({ authorization: oauth({ clientId: '' }) }), 'authorization.clientId: got ""; must be a string of 1 to 512 characters'],
      ['an OAuth client secret missing', () => ({ authorization: oauth({ clientSecret: undefined as any }) }),
        'authorization: got an Authorization that cannot be rendered (Cannot read properties of undefined'],
      ['a plain-text OAuth client secret', () => ({ authorization: oauth({ clientSecret: SecretValue.unsafePlainText(SENTINEL) }) }), 'authorization.clientSecret: got a plain-text value (not shown)'],
      ['a plain-text secret OAuth header', () => ({ authorization: oauth({ headerParameters: { 'x-token': events.HttpParameter.fromSecret(SecretValue.unsafePlainText(SENTINEL)) } }) }),
        'authorization.headerParameters.x-token: got a plain-text value (not shown)'],
      ['a plain-text secret header parameter', () => ({ headerParameters: { 'x-token': events.HttpParameter.fromSecret(SecretValue.unsafePlainText(SENTINEL)) } }),
        'headerParameters.x-token: got a plain-text value (not shown)'],
      ['a header name with a space', () => ({ headerParameters: { 'x token': events.HttpParameter.fromString('v') } }), 'headerParameters: got "x token"; parameter names must be 1 to 512 characters valid in an HTTP header name'],
      ['a query parameter value over 512 characters', () => ({ queryStringParameters: { q: events.HttpParameter.fromString('v'.repeat(513)) } }), 'queryStringParameters.q: got "vvv'],
      ['a JavaScript caller passing a string as the secret', () => ({ authorization: events.Authorization.apiKey('k', SENTINEL as any) }),
        'authorization: got an Authorization that cannot be rendered (apiKeyValue.unsafeUnwrap is not a function)'],
      ['an API key name with a colon', () => ({ authorization: events.Authorization.apiKey('x-api:key', SecretValue.secretsManager('k')) }),
        'authorization.apiKeyName: got "x-api:key"; must be 1 to 512 characters without ":" or control characters'],
      ['an API key name with a control character', () => ({ authorization: events.Authorization.apiKey('x-api\u0001key', SecretValue.secretsManager('k')) }),
        'authorization.apiKeyName: got "x-api\\u0001key"; must be 1 to 512 characters without ":" or control characters'],
      ['a user name with a control character', () => ({ authorization: events.Authorization.basic('crm\nuser', SecretValue.secretsManager('p')) }),
        'authorization.username: got "crm\\nuser"; must not contain control characters'],
      ['an OAuth client id with a colon', () => ({ authorization: oauth({ clientId: 'tenant:client' }) }), 'authorization.clientId: got "tenant:client"; must be 1 to 512 characters without ":"'],
      ['a header value with non-ASCII', () => ({ headerParameters: { 'x-client': events.HttpParameter.fromString('café') } }),
        'headerParameters.x-client: got "café"; header values must be printable ASCII characters'],
      ['a header value with a control character', () => ({ headerParameters: { 'x-client': events.HttpParameter.fromString('a\u0007b') } }),
        'headerParameters.x-client: got "a\\u0007b"; header values must be printable ASCII characters'],
      ['a query value with a control character', () => ({ queryStringParameters: { q: events.HttpParameter.fromString('a\u0000b') } }),
        'queryStringParameters.q: got "a\\u0000b"; query-string values must not contain control characters other than LF and CR'],
      ['an OAuth endpoint with a placeholder', () => ({ authorization: oauth({ authorizationEndpoint: 'https://{tenant}.example.com/token' }) }),
        'authorization.authorizationEndpoint: got "https://{tenant}.example.com/token"; must be an https:// URL of at most 2048 characters, made of letters'],
      ['an asymmetric key', stack => ({ encryptionKey: new kms.Key(stack, 'Hmac', { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC }) }),
        'encryptionKey: got a key with keySpec HMAC_256 and keyUsage GENERATE_VERIFY_MAC; must be a symmetric encryption key'],
      ['a key of another region', stack => ({ encryptionKey: kms.Key.fromKeyArn(stack, 'Far', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab') }),
        'encryptionKey: got a key in us-east-1; must be in the stack\'s region (eu-west-1): KMS keys are regional'],
      ['an AWS managed key', stack => ({ encryptionKey: kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/secretsmanager') }),
        'encryptionKey: got the alias alias/aws/secretsmanager; must be a customer managed key'],
      ['a missing authorization (JavaScript)', () => ({ authorization: undefined as any }), 'authorization: got undefined; is required: an events.Authorization'],
      ['a null description (JavaScript)', () => ({ description: null as any }), 'description: got null; omit the prop instead'],
    ])('connection: %s is rejected at synth time', (_name, props, message) => {
      const stack = testStack();
      const overrides = props(stack);
      const build = () => new EncryptedConnection(stack, 'Crm', { authorization: API_KEY(), ...overrides });
      expect(build).toThrow(`invalid props for TestStack/Crm:\n  - ${message}`);
      try { build(); } catch (e) { expect(String(e)).not.toContain(SENTINEL); }
    });

    test.each<[string, Partial<ConnectionApiDestinationOptions>, string]>([
      ['an HTTP endpoint', { endpoint: 'http://api.example.com/orders' }, 'endpoint: got "http://api.example.com/orders"; must be an https:// URL of at most 2048 characters (EventBridge invokes only HTTPS endpoints)'],
      ['an endpoint without a host', { endpoint: 'https://' }, 'endpoint: got "https://"; must be an https:// URL'],
      ['a rate limit of 0', { rateLimitPerSecond: 0 }, 'rateLimitPerSecond: got 0 per second; must be a whole number of at least 1 (EventBridge\'s default quota is 300 per second per API destination)'],
      ['a fractional rate limit', { rateLimitPerSecond: 2.5 }, 'rateLimitPerSecond: got 2.5 per second; must be a whole number of at least 1'],
      ['a description of 513 characters', { description: longText }, 'description: got "ddd'],
      ['a name with a slash', { apiDestinationName: 'crm/orders' }, 'apiDestinationName: got "crm/orders"; must be 1 to 64 characters of letters, digits, ".", "-" and "_"'],
      ['an endpoint with a placeholder', { endpoint: 'https://api.example.com/{orderId}' }, 'endpoint: got "https://api.example.com/{orderId}"; must be an https:// URL'],
      ['an endpoint with a non-ASCII host', { endpoint: 'https://bücher.example/orders' }, 'endpoint: got "https://bücher.example/orders"; must be an https:// URL'],
      ['an endpoint with a fragment', { endpoint: 'https://api.example.com/orders#new' }, 'endpoint: got "https://api.example.com/orders#new"'],
      ['a missing endpoint (JavaScript)', { endpoint: undefined as any }, 'endpoint: got undefined; is required: an https:// URL'],
    ])('API destination: %s is rejected at synth time', (_name, overrides, message) => {
      const stack = testStack();
      const conn = new EncryptedConnection(stack, 'Crm', { authorization: API_KEY() });
      expect(() => conn.addApiDestination('Orders', { endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 10, ...overrides }))
        .toThrow(`invalid props for TestStack/Crm/Orders:\n  - ${message}`);
    });

    test('the new rules accept their boundaries: 512-character names, tabs around words, wildcards and escapes in endpoints, a rotating symmetric key', () => {
      const stack = testStack();
      const conn = new EncryptedConnection(stack, 'Crm', {
        authorization: events.Authorization.apiKey(`x${'k'.repeat(511)}`, SecretValue.secretsManager('k')),
        headerParameters: { 'x-client': events.HttpParameter.fromString('\tcdk ~ constructs!\t') },
        queryStringParameters: { q: events.HttpParameter.fromString('line\r\nbreak é') },
        encryptionKey: new kms.Key(stack, 'TeamKey', { enableKeyRotation: true }),
      });
      expect(() => conn.addApiDestination('Orders', { endpoint: 'https://api.example.com/orders/*/items?x=%20&y=(1)', rateLimitPerSecond: 1 })).not.toThrow();
      expect(() => new EncryptedConnection(stack, 'Basic', { authorization: events.Authorization.basic('Zoë user', SecretValue.secretsManager('p')) })).not.toThrow();
    });

    test('two connections or API destinations of one stack with one name fail at synth, naming both paths', () => {
      const stack = testStack();
      const first = new EncryptedConnection(stack, 'First', { authorization: API_KEY(), connectionName: 'crm' });
      expect(() => new EncryptedConnection(stack, 'Second', { authorization: API_KEY(), connectionName: 'crm' }))
        .toThrow('invalid props for TestStack/Second:\n  - connectionName: got "crm"; the EventBridge connection TestStack/First already deploys to this name in the same stack');
      first.addApiDestination('Orders', { endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 1, apiDestinationName: 'orders' });
      expect(() => first.addApiDestination('Orders2', { endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 1, apiDestinationName: 'orders' }))
        .toThrow('invalid props for TestStack/First/Orders2:\n  - apiDestinationName: got "orders"; the EventBridge API destination TestStack/First/Orders already deploys');
    });

    test('no props at all (JavaScript) is a validation error, not a TypeError', () => {
      expect(() => new EncryptedConnection(testStack(), 'Crm', undefined as any)).toThrow('invalid props for TestStack/Crm:\n  - props: got undefined; must be an object with authorization');
    });

    test('several bad props are reported together in one error', () => {
      const stack = testStack();
      expect(() => new EncryptedConnection(stack, 'Crm', {
        connectionName: 'bad name',
        description: longText,
        authorization: oauth({ authorizationEndpoint: 'ftp://x', clientId: '' }),
      })).toThrow(/connectionName: .*\n {2}- description: .*\n {2}- authorization\.authorizationEndpoint: .*\n {2}- authorization\.clientId: /);
    });

    test('tokens are left for CloudFormation to check', () => {
      const stack = testStack();
      const name = new CfnParameter(stack, 'Name');
      const rate = new CfnParameter(stack, 'Rate', { type: 'Number' });
      const conn = new EncryptedConnection(stack, 'Crm', { authorization: API_KEY(), connectionName: name.valueAsString });
      conn.addApiDestination('Orders', { endpoint: new CfnParameter(stack, 'Endpoint').valueAsString, rateLimitPerSecond: rate.valueAsNumber });
      Template.fromStack(stack).hasResourceProperties('AWS::Events::Connection', { Name: { Ref: 'Name' } });
    });
  });
});

describe('KeyPolicyStatements for connections', () => {
  const env = { account: '111122223333', region: 'eu-west-1', partition: 'aws' };
  const render = (statements: iam.PolicyStatement[]) => new Stack().resolve(statements.map(s => s.toStatementJson()));

  test('principalArns confine the secret statement to those principals; the describe statement is unchanged', () => {
    const [plainDescribe] = render(KeyPolicyStatements.connection({ ...env, connectionName: 'crm' }));
    const [describe, secret] = render(KeyPolicyStatements.connection({ ...env, connectionName: 'crm', principalArns: ['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/b'] }));
    expect(describe).toEqual(plainDescribe);
    expect(secret.Condition.ArnEquals).toEqual({ 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/b'] });
  });

  test('the API-destinations service-linked role ARN carries the service path', () => {
    expect(KeyPolicyStatements.apiDestinationsServiceLinkedRoleArn(env)).toBe(SLR_ARN);
    expect(KeyPolicyStatements.apiDestinationsServiceLinkedRoleArn({ ...env, partition: 'aws-cn' })).toMatch(/^arn:aws-cn:iam::111122223333:role\/aws-service-role\//);
  });

  test('the cross-account statement names EventBridge\'s internal role in the connection\'s account, conditioned on account and tag', () => {
    expect(render([KeyPolicyStatements.connectionCrossAccount(env)])).toEqual([{
      Sid: 'ConnectionCrossAccount',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/AmazonEventBridgeApiDestinationsInternalServiceRolePolicy' },
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': '111122223333', 'aws:ResourceTag/EventBridgeApiDestinations': 'true' } },
    }]);
  });
});
