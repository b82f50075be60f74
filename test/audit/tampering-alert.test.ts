import { createHash } from 'crypto';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EncryptionKey, KeyAuditTrail } from '../../src';
import { tamperingEventPattern } from '../../src/audit/tampering-alert';
import { EVENTBRIDGE_QUOTAS } from '../../src/services/events/limits';
import { matchesPattern } from '../support/event-pattern';
import { TEST_ENV } from '../support/fixtures';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OTHER_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321';

/** An EventBridge "AWS API Call via CloudTrail" event for a KMS call, as CloudTrail records it. */
function kmsCall(eventName: string, userIdentity: Record<string, unknown>, key = KEY): Record<string, unknown> {
  return {
    'version': '0',
    'source': 'aws.kms',
    'detail-type': 'AWS API Call via CloudTrail',
    'account': '111122223333',
    'region': 'eu-west-1',
    'detail': {
      eventVersion: '1.08',
      userIdentity,
      eventSource: 'kms.amazonaws.com',
      eventName,
      awsRegion: 'eu-west-1',
      resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: key }],
    },
  };
}

const USER = { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice', accountId: '111122223333' };
const IAM_USER = { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bob', accountId: '111122223333' };
/** A call an AWS service made on a user's behalf (forward access session): the user's identity, `invokedBy` the service. */
const VIA = (service: string) => ({ ...USER, invokedBy: service });
/** A call an AWS service made in its own name. */
const SERVICE = (service: string) => ({ type: 'AWSService', invokedBy: service });

describe('the key-tampering alert', () => {
  const pattern = tamperingEventPattern([KEY]) as unknown as Record<string, unknown>;
  const rendered = JSON.parse(JSON.stringify(pattern).replace('"detailType"', '"detail-type"'));

  test.each([
    ['RDS creating a grant for the DB instance\'s storage', kmsCall('CreateGrant', VIA('rds.amazonaws.com'))],
    ['EBS creating a grant for a volume', kmsCall('CreateGrant', VIA('ec2.amazonaws.com'))],
    ['Secrets Manager creating a grant for the master secret', kmsCall('CreateGrant', VIA('secretsmanager.amazonaws.com'))],
    ['Secrets Manager retiring its grant', kmsCall('RetireGrant', SERVICE('secretsmanager.amazonaws.com'))],
    ['RDS retiring a grant', kmsCall('RetireGrant', SERVICE('rds.amazonaws.com'))],
    ['a routine Decrypt', kmsCall('Decrypt', USER)],
    ['a tampering call on a key the alert does not watch', kmsCall('DisableKey', USER, OTHER_KEY)],
  ])('does not fire for routine calls: %s', (_name, event) => {
    expect(matchesPattern(rendered, event)).toBe(false);
  });

  test.each([
    ['a user creating a grant by hand', kmsCall('CreateGrant', IAM_USER)],
    ['a role revoking a grant', kmsCall('RevokeGrant', USER)],
    ['a role retiring a grant', kmsCall('RetireGrant', USER)],
    ['disabling the key', kmsCall('DisableKey', USER)],
    ['scheduling the key\'s deletion', kmsCall('ScheduleKeyDeletion', IAM_USER)],
    ['replacing the key policy, even through CloudFormation', kmsCall('PutKeyPolicy', VIA('cloudformation.amazonaws.com'))],
    ['turning rotation off', kmsCall('DisableKeyRotation', USER)],
    ['removing a tag (an EventBridge connection key without EventBridgeApiDestinations stops working)', kmsCall('UntagResource', USER)],
    ['changing a tag (a key policy may authorize by tag)', kmsCall('TagResource', IAM_USER)],
  ])('fires for tampering: %s', (_name, event) => {
    expect(matchesPattern(rendered, event)).toBe(true);
  });

  test('the rule in the template holds the same pattern, with every watched key', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: TEST_ENV });
    const key = new EncryptionKey(stack, 'Key', { protects: 'x' });
    KeyAuditTrail.of(stack).watchKey(key);
    const rule = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0];
    const detail = rule.Properties.EventPattern.detail;
    expect(detail.$or).toHaveLength(2);
    // the alert topic's key, the stack's dead-letter key, the trail's key and this one, once for both branches
    expect(detail.resources.ARN).toHaveLength(4);
    expect(detail.$or[1].userIdentity).toEqual({ invokedBy: [{ exists: false }], type: [{ 'anything-but': ['AWSService'] }] });
  });

  describe('a stack watching 200 keys', () => {
    const app = new App();
    const stack = new Stack(app, 'Keys', { env: TEST_ENV });
    const trail = KeyAuditTrail.of(stack);
    const keys = Array.from({ length: 200 }, (_, i) => new EncryptionKey(stack, `Key${i}`, { protects: `data ${i}` }));
    keys.forEach(k => trail.watchKey(k));
    const template = Template.fromStack(stack); // the stack's quota guards run here too: no pattern, queue or topic policy over its quota
    const rules = Object.entries(template.findResources('AWS::Events::Rule')).filter(([, r]) => r.Properties.EventPattern?.source?.[0] === 'aws.kms');
    /** A key's ARN as KMS returns it once deployed: `key/` and a 36-character key id. */
    const deployedArn = (logicalId: string) => {
      const h = createHash('sha256').update(logicalId).digest('hex');
      return `arn:aws:kms:eu-west-1:111122223333:key/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    };
    const deployed = (value: unknown): any => JSON.parse(JSON.stringify(value), (_k, v) => (v && Array.isArray(v['Fn::GetAtt']) && v['Fn::GetAtt'][1] === 'Arn' ? deployedArn(v['Fn::GetAtt'][0]) : v));
    const ruleArn = (name: string) => `arn:aws:events:eu-west-1:111122223333:rule/${name}`;

    test('splits the keys over rules whose deployed patterns stay within EventBridge\'s 2,048 characters', () => {
      expect(rules.length).toBeGreaterThan(8);
      for (const [, rule] of rules) {
        const deployedPattern = JSON.stringify(deployed(rule.Properties.EventPattern));
        expect(deployedPattern.length).toBeLessThanOrEqual(EVENTBRIDGE_QUOTAS.eventPatternCharacters);
      }
    });

    test('lists every watched key in exactly one rule, in the order the keys were watched', () => {
      const listed = rules.flatMap(([, r]) => r.Properties.EventPattern.detail.resources.ARN.map((a: any) => a['Fn::GetAtt'][0]));
      const expected = [trail.alertKey, trail.deadLetterKey, trail.encryptionKey, ...keys].map(k => stack.getLogicalId(k.node.defaultChild as any));
      expect(listed).toEqual(expected);
    });

    test('a tampering call on any watched key fires exactly one rule', () => {
      for (const key of [keys[0], keys[150], keys[199]]) {
        const arn = deployedArn(stack.getLogicalId(key.node.defaultChild as any));
        const firing = rules.filter(([, r]) => matchesPattern(JSON.parse(JSON.stringify(deployed(r.Properties.EventPattern)).replace('"detailType"', '"detail-type"')), kmsCall('DisableKey', USER, arn)));
        expect(firing).toHaveLength(1);
      }
    });

    test('one statement per topic, queue and key lets every rule deliver, whatever the number of rules', () => {
      const names = rules.map(([, r]) => r.Properties.Name).sort();
      expect(new Set(names).size).toBe(rules.length);
      const fromRules = (statements: any[], action: string) => statements.filter(s => s.Action === action && s.Principal?.Service === 'events.amazonaws.com');
      const topicPolicy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0].Properties.PolicyDocument.Statement;
      const queuePolicy = Object.values(template.findResources('AWS::SQS::QueuePolicy'))[0].Properties.PolicyDocument.Statement;
      for (const statements of [fromRules(topicPolicy, 'sns:Publish'), fromRules(queuePolicy, 'sqs:SendMessage')]) {
        expect(statements).toHaveLength(1);
        expect([...statements[0].Condition.ArnEquals['aws:SourceArn']].sort()).toEqual(names.map(ruleArn));
      }
      // the dead-letter queue's key is the stack's dead-letter key, never the alert topic's or the trail's
      const keyPolicy = template.findResources('AWS::KMS::Key')[stack.getLogicalId(trail.deadLetterKey.node.defaultChild as any)].Properties.KeyPolicy.Statement;
      const queueKey = keyPolicy.filter((s: any) => String(s.Sid).startsWith('SqsQueue'));
      expect(queueKey).toHaveLength(1);
      expect([...queueKey[0].Condition.ArnLikeIfExists['aws:SourceArn']].sort()).toEqual(names.map(ruleArn));
    });

    test('the first rule keeps its child id and name; the others are numbered after it', () => {
      expect(trail.tamperingRules[0]).toBe(trail.tamperingRule);
      expect(trail.tamperingRules.map(r => r.node.id)).toEqual(trail.tamperingRules.map((_, i) => (i === 0 ? 'KeyTamperingRule' : `KeyTamperingRule${i + 1}`)));
      const first = template.findResources('AWS::Events::Rule')[stack.getLogicalId(trail.tamperingRule.node.defaultChild as any)].Properties.Name;
      for (const [i, rule] of trail.tamperingRules.entries()) {
        if (i === 0) continue;
        const name = template.findResources('AWS::Events::Rule')[stack.getLogicalId(rule.node.defaultChild as any)].Properties.Name;
        expect(name.length).toBeLessThanOrEqual(64);
        expect(name).toBe(`${first.slice(0, 64 - `-${i + 1}`.length)}-${i + 1}`);
      }
    });
  });
});

