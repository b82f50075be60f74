import { App, Duration, SecretValue, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { AlertRouting, EncryptedArchive, EncryptedConnection, EncryptionKey, KeyTamperingAlert } from '../../src';
import { TEST_ENV } from '../support/fixtures';

const US = { account: TEST_ENV.account, region: 'us-east-1' };

/** Each SNS topic of a template (logical id) with the endpoints subscribed to it. */
function subscriptionsByTopic(stack: Stack): Map<string, string[]> {
  const template = Template.fromStack(stack).toJSON();
  const byTopic = new Map<string, string[]>();
  for (const [id, r] of Object.entries<any>(template.Resources)) if (r.Type === 'AWS::SNS::Topic') byTopic.set(id, []);
  for (const r of Object.values<any>(template.Resources)) {
    if (r.Type !== 'AWS::SNS::Subscription') continue;
    byTopic.get(r.Properties.TopicArn.Ref)!.push(`${r.Properties.Protocol}:${r.Properties.Endpoint}`);
  }
  return byTopic;
}

/** The key ARNs (as rendered) each tampering rule of a stack watches. */
function watchedKeys(stack: Stack): string[] {
  const rules = Template.fromStack(stack).findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.kms'] } } });
  return Object.values<any>(rules).flatMap(r => r.Properties.EventPattern.detail.resources.ARN).map(arn => JSON.stringify(arn));
}

describe('AlertRouting.routeAll', () => {
  test('one call reaches every library topic of every stack and region, before and after the stacks exist, each endpoint once per topic', () => {
    const app = new App();
    AlertRouting.routeAll(app, { emails: ['security@example.com'] });
    const eu = new Stack(app, 'Eu', { env: TEST_ENV });
    const us = new Stack(app, 'Us', { env: US });
    new EncryptedArchive(eu, 'Orders', { retention: Duration.days(30) });
    new EncryptedArchive(us, 'Orders', { retention: Duration.days(30) });
    // a later call adds its endpoints everywhere; repeating an address adds nothing
    AlertRouting.routeAll(app, { emails: ['security@example.com', 'oncall@example.com'], subscriptions: [new subscriptions.UrlSubscription('https://chat.example.com/hook')] });

    for (const stack of [eu, us]) {
      const byTopic = subscriptionsByTopic(stack);
      expect(byTopic.size).toBe(2); // the stack's alarm topic and its key-tampering alert topic
      for (const endpoints of byTopic.values()) {
        expect(endpoints.sort()).toEqual(['email:oncall@example.com', 'email:security@example.com', 'https:https://chat.example.com/hook']);
      }
    }
    expect(AlertRouting.topicsOf(app)).toHaveLength(4);
  });

  test('a connection in a stack that audits nothing: its own alert topic is routed too', () => {
    const app = new App({ context: { 'cdk-encrypted-constructs:auditTrail': 'none' } });
    const stack = new Stack(app, 'NoAudit', { env: TEST_ENV });
    new EncryptedConnection(stack, 'Crm', { authorization: events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key')) });
    AlertRouting.routeAll(app, { emails: ['security@example.com'] });
    const byTopic = subscriptionsByTopic(stack);
    expect([...byTopic.keys()].some(id => id.startsWith('CrmAlertTopic'))).toBe(true);
    for (const endpoints of byTopic.values()) expect(endpoints).toEqual(['email:security@example.com']);
  });

  test('topics given by the user are theirs: not subscribed', () => {
    const app = new App();
    const stack = new Stack(app, 'Own', { env: TEST_ENV });
    const own = new EncryptionKey(stack, 'OwnKey', { protects: 'alerts' });
    const topic = new sns.Topic(stack, 'Mine', { masterKey: own });
    KeyTamperingAlert.of(stack, { alertTopic: topic });
    new EncryptedArchive(stack, 'Orders');
    AlertRouting.routeAll(app, { emails: ['security@example.com'] });
    const byTopic = subscriptionsByTopic(stack);
    expect(byTopic.get(stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic))).toEqual([]);
  });

  test('bad input fails with the prop named', () => {
    const app = new App();
    expect(() => AlertRouting.routeAll(app, { emails: ['not-an-address'] })).toThrow(/AlertRouting.routeAll:\n {2}- emails: got "not-an-address"; an email address/);
    expect(() => AlertRouting.routeAll(app, {})).toThrow(/props: got no email and no subscription; at least one endpoint/);
    expect(() => AlertRouting.routeAll(app, { subscriptions: [null as any] })).toThrow(/subscriptions: got null; an sns.ITopicSubscription/);
  });
});

describe('a key shared across stacks is watched by exactly one rule of the app', () => {
  test('a key defined in one stack and used in two others: watched in its own stack only', () => {
    const app = new App();
    const keys = new Stack(app, 'Keys', { env: TEST_ENV });
    const shared = new EncryptionKey(keys, 'Shared', { protects: 'the orders buses' });
    const a = new Stack(app, 'A', { env: TEST_ENV });
    const b = new Stack(app, 'B', { env: TEST_ENV });
    new EncryptedArchive(a, 'Orders', { encryptionKey: shared });
    new EncryptedArchive(b, 'Orders', { encryptionKey: shared });
    const sharedArn = JSON.stringify({ 'Fn::GetAtt': [keys.getLogicalId(shared.node.defaultChild as kms.CfnKey), 'Arn'] });
    expect(watchedKeys(keys)).toContain(sharedArn);
    for (const consumer of [a, b]) {
      expect(watchedKeys(consumer).filter(arn => arn.includes('ImportValue') || arn.includes('Shared'))).toEqual([]);
    }
  });

  test('an imported key used in two stacks: watched by the first stack that watches it', () => {
    const app = new App();
    const arn = `arn:aws:kms:${TEST_ENV.region}:${TEST_ENV.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const a = new Stack(app, 'A', { env: TEST_ENV });
    const b = new Stack(app, 'B', { env: TEST_ENV });
    new EncryptedArchive(a, 'Orders', { encryptionKey: kms.Key.fromKeyArn(a, 'Team', arn) });
    new EncryptedArchive(b, 'Orders', { encryptionKey: kms.Key.fromKeyArn(b, 'Team', arn) });
    const count = (s: Stack) => watchedKeys(s).filter(k => k === JSON.stringify(arn)).length;
    expect([count(a), count(b)]).toEqual([1, 0]);
  });
});
