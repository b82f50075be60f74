import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { EncryptedArchive } from '../../src/encrypted-archive';
import { controlTowerRules, nagPacks } from '../support/compliance';
import { TEST_ENV, testStack } from '../support/fixtures';

const ORG = 'o-a1b2c3d4e5';
const OTHER_ORG = 'o-zyxwvu9876543210';
const PRODUCER = '444455556666';
const SECOND_PRODUCER = '555566667777';
const root = (account: string) => `arn:aws:iam::${account}:root`;

/** The library's bus policies of the template, by the logical id prefix of their archive. */
function busPolicies(template: Template, prefix: string): Record<string, any> {
  return Object.fromEntries(Object.entries(template.findResources('AWS::Events::EventBusPolicy'))
    .filter(([id]) => id.startsWith(prefix))
    .map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r.Properties]));
}

/** The five cdk-nag packs' violations on these constructs and their children. */
function nagViolations(...scopes: IConstruct[]): string[] {
  return nagPacks().flatMap(pack => scopes.flatMap(scope => pack.validateScope(scope).violations.map(v => `${v.ruleName} at ${scope.node.path}`)));
}

describe('EncryptedArchive producers: one statement per kind on the bus policy, nothing on the key', () => {
  // One stack, synthesized once.
  const app = new App();
  const stack = new Stack(app, 'Producers', { env: TEST_ENV });
  const orders = new EncryptedArchive(stack, 'Orders', { eventBusName: 'orders', archiveName: 'orders-archive' });
  orders.allowPutEventsFromOrganization(ORG);
  orders.allowPutEventsFromAccounts([PRODUCER]);
  orders.allowPutEventsFromAccounts([SECOND_PRODUCER, PRODUCER]);
  const payments = new EncryptedArchive(stack, 'Payments', { eventBusName: 'payments', keyOptions: { strictMode: true } });
  payments.allowPutEventsFromOrganization(ORG);
  payments.allowPutEventsFromOrganization(OTHER_ORG);
  payments.allowPutEventsFromOrganization(ORG);
  let template: Template;
  beforeAll(() => {
    template = Template.fromStack(stack);
  });
  const busOf = (archive: EncryptedArchive) => ({ Ref: stack.getLogicalId(archive.eventBus.node.defaultChild as events.CfnEventBus) });
  const busArnOf = (archive: EncryptedArchive) => ({ 'Fn::GetAtt': [stack.getLogicalId(archive.eventBus.node.defaultChild as events.CfnEventBus), 'Arn'] });

  test('the organization may put events on the bus: Principal * held by aws:PrincipalOrgID, as the EventBridge guide writes it', () => {
    const sid = expect.stringMatching(/^PutEventsFromOrganization-[0-9A-F]{8}$/);
    expect(busPolicies(template, 'OrdersPutEventsFromOrganization')).toEqual({
      OrdersPutEventsFromOrganization: {
        EventBusName: busOf(orders),
        StatementId: sid,
        Statement: {
          Sid: sid,
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: busArnOf(orders),
          Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
        },
      },
    });
  });

  test('named accounts may put events on the bus: their roots, each listed once, in one statement however many calls', () => {
    const policies = busPolicies(template, 'OrdersPutEventsFromAccounts');
    expect(policies).toEqual({
      OrdersPutEventsFromAccounts: {
        EventBusName: busOf(orders),
        StatementId: expect.stringMatching(/^PutEventsFromAccounts-[0-9A-F]{8}$/),
        Statement: {
          Sid: policies.OrdersPutEventsFromAccounts.StatementId,
          Effect: 'Allow',
          Principal: { AWS: [root(PRODUCER), root(SECOND_PRODUCER)] },
          Action: 'events:PutEvents',
          Resource: busArnOf(orders),
        },
      },
    });
  });

  test('further organizations join the one organization statement', () => {
    const policies = Object.values(busPolicies(template, 'Payments'));
    expect(policies).toHaveLength(1);
    expect(policies[0].Statement.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': [ORG, OTHER_ORG] } });
  });

  test('statement ids are unique per bus (CloudFormation takes them as the policy\'s physical id in the account and region) and fit PutPermission', () => {
    const ids = Object.values(template.findResources('AWS::Events::EventBusPolicy')).map(r => r.Properties.StatementId);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  });

  test('the keys get no statement for producers: EventBridge encrypts their events with its own statements', () => {
    for (const archive of [orders, payments]) {
      const key = template.toJSON().Resources[stack.getLogicalId(archive.encryptionKey.node.defaultChild as kms.CfnKey)];
      const policy = JSON.stringify(key.Properties.KeyPolicy);
      for (const producer of [ORG, OTHER_ORG, PRODUCER, SECOND_PRODUCER, 'PrincipalOrgID']) expect(policy).not.toContain(producer);
      expect(key.Properties.KeyPolicy.Statement.filter((s: any) => s.Effect === 'Allow' && (s.Principal === '*' || s.Principal?.AWS === '*'))).toEqual([]);
    }
  });

  test('the bus policies pass the five cdk-nag packs: AwsSolutions-EVB1 accepts Principal * held by an organization condition', () => {
    const policies = [orders, payments].flatMap(a => a.node.children.filter(c => c instanceof events.CfnEventBusPolicy));
    expect(policies).toHaveLength(3);
    expect(nagViolations(...policies)).toEqual([]);
    // the rule can fail: the organization statement without its condition is open access
    const open = new events.CfnEventBusPolicy(new Stack(new App(), 'Open', { env: TEST_ENV }), 'Open', {
      statementId: 'open',
      statement: { ...template.toJSON().Resources[stack.getLogicalId(policies[0] as events.CfnEventBusPolicy)].Properties.Statement, Condition: undefined },
    });
    expect(nagViolations(open)).toEqual(['AwsSolutions-EVB1 at Open/Open']);
  });

  test('no AWS Control Tower control reads AWS::Events::EventBusPolicy, so cfn-guard has nothing to find on the bus policies (the archive itself is guarded in encrypted-archive.test.ts)', () => {
    const rules = controlTowerRules();
    expect(rules.length).toBeGreaterThan(100);
    expect(rules.filter(r => [...r.types].some(t => t.startsWith('AWS::Events::'))).map(r => r.file)).toEqual([]);
  });
});

describe('EncryptedArchive producers: which buses, and bad input', () => {
  test('a bus of this stack given as eventBus gets the statement on its own bus policy', () => {
    const stack = testStack();
    const bus = new events.EventBus(stack, 'Shared', { eventBusName: 'shared' });
    const archive = new EncryptedArchive(stack, 'Archive', { eventBus: bus });
    archive.allowPutEventsFromAccounts([PRODUCER]);
    const policy = archive.node.findChild('PutEventsFromAccounts') as events.CfnEventBusPolicy;
    expect(stack.resolve(policy.eventBusName)).toEqual({ Ref: stack.getLogicalId(bus.node.defaultChild as events.CfnEventBus) });
    expect(stack.resolve(policy.statement)).toMatchObject({ Principal: { AWS: root(PRODUCER) }, Resource: { 'Fn::GetAtt': [stack.getLogicalId(bus.node.defaultChild as events.CfnEventBus), 'Arn'] } });
  });

  test('an imported bus is refused, and the error shows the statement its owner must add', () => {
    const stack = testStack();
    const archive = new EncryptedArchive(stack, 'Archive', { eventBus: events.EventBus.fromEventBusName(stack, 'Shared', 'shared') });
    expect(() => archive.allowPutEventsFromOrganization(ORG)).toThrow(
      /^invalid arguments for TestStack\/Archive\.allowPutEventsFromOrganization:\n {2}- eventBus: got the event bus shared, which is not defined in this stack, so its policy cannot be edited here;[\s\S]*"Principal": "\*",[\s\S]*"Resource": "arn:aws:events:eu-west-1:111122223333:event-bus\/shared",[\s\S]*"aws:PrincipalOrgID": "o-a1b2c3d4e5"/);
    expect(archive.node.tryFindChild('PutEventsFromOrganization')).toBeUndefined();
  });

  test('a bus of this stack that sets its whole Policy is refused: that property would erase the statement on its next update', () => {
    const stack = testStack();
    const bus = new events.EventBus(stack, 'Shared', { eventBusName: 'shared' });
    (bus.node.defaultChild as events.CfnEventBus).policy = { Version: '2012-10-17', Statement: [] };
    const archive = new EncryptedArchive(stack, 'Archive', { eventBus: bus });
    expect(() => archive.allowPutEventsFromAccounts([PRODUCER])).toThrow(
      /^invalid arguments for TestStack\/Archive\.allowPutEventsFromAccounts:\n {2}- eventBus: got the event bus shared, which sets its whole policy \(Policy on AWS::Events::EventBus\)/);
  });

  const refusing = new EncryptedArchive(testStack(), 'Orders');
  test.each<[string, (a: EncryptedArchive) => void, RegExp]>([
    ['an organization id without o-', a => a.allowPutEventsFromOrganization('a1b2c3d4e5'), /organizationId: got "a1b2c3d4e5"; must be "o-" followed by 10 to 32 lowercase letters or digits/],
    ['an organization id too short', a => a.allowPutEventsFromOrganization('o-a1b2c3d4e'), /organizationId: got "o-a1b2c3d4e"; must be "o-" followed by 10 to 32/],
    ['an organization id too long', a => a.allowPutEventsFromOrganization(`o-${'a'.repeat(33)}`), /organizationId: got "o-a{33}"; must be "o-" followed by 10 to 32/],
    ['an organization id in upper case', a => a.allowPutEventsFromOrganization('o-A1B2C3D4E5'), /organizationId: got "o-A1B2C3D4E5"/],
    ['an organization id that is not a string (JavaScript)', a => a.allowPutEventsFromOrganization(42 as any), /organizationId: got number; must be an organization id/],
    ['an account id of 11 digits', a => a.allowPutEventsFromAccounts(['44445555666']), /accountIds\[0\]: got "44445555666"; must be an AWS account id: exactly 12 digits/],
    ['an account id with letters', a => a.allowPutEventsFromAccounts([PRODUCER, '44445555666x']), /accountIds\[1\]: got "44445555666x"; must be an AWS account id/],
    ['an account ARN instead of an id', a => a.allowPutEventsFromAccounts([root(PRODUCER)]), /accountIds\[0\]: got "arn:aws:iam::444455556666:root"; must be an AWS account id/],
    ['no accounts', a => a.allowPutEventsFromAccounts([]), /accountIds: got an empty list; must list at least one 12-digit account id/],
    ['a single id instead of a list (JavaScript)', a => a.allowPutEventsFromAccounts(PRODUCER as any), /accountIds: got string; must list at least one/],
    ['the bus\'s own account', a => a.allowPutEventsFromAccounts([TEST_ENV.account]), /accountIds\[0\]: got "111122223333"; is the bus's own account, whose principals need no bus policy: grant them with eventBus\.grantPutEventsTo/],
  ])('rejects %s, naming the construct path and the argument', (_name, call, message) => {
    // a refused call changes nothing, so every case may use the same archive
    expect(() => call(refusing)).toThrow(/^invalid arguments for TestStack\/Orders\.allowPutEventsFrom(Organization|Accounts):\n/);
    expect(() => call(refusing)).toThrow(message);
    expect(refusing.node.tryFindChild('PutEventsFromOrganization') ?? refusing.node.tryFindChild('PutEventsFromAccounts')).toBeUndefined();
  });

  test('values known only at deploy time are left to EventBridge', () => {
    const stack = testStack();
    const archive = new EncryptedArchive(stack, 'Orders');
    expect(() => archive.allowPutEventsFromOrganization(new CfnParameter(stack, 'Org').valueAsString)).not.toThrow();
    expect(() => archive.allowPutEventsFromAccounts([new CfnParameter(stack, 'Account').valueAsString])).not.toThrow();
  });

  test('more accounts than a 10 KB bus policy holds fail synthesis, pointing at the organization instead', () => {
    const archive = new EncryptedArchive(testStack(), 'Orders');
    archive.allowPutEventsFromAccounts(Array.from({ length: 320 }, (_, i) => String(100000000000 + i)));
    expect(archive.node.validate()).toEqual([expect.stringMatching(/producers' statements of the event bus .* are about \d+ bytes; EventBridge accepts at most 10240 bytes of bus policy \(10 KB\)\. Grant an organization/)]);
    const fits = new EncryptedArchive(testStack(), 'Orders');
    fits.allowPutEventsFromAccounts(Array.from({ length: 200 }, (_, i) => String(100000000000 + i)));
    expect(fits.node.validate()).toEqual([]);
  });
});
