/**
 * The evaluator is trusted only as far as it is checked: these tests pin the behaviours the proof relies on, and the
 * mend of @cloud-copilot/iam-simulate 0.1.173 (which drops `kms:EncryptionContext:<key>` request keys unmended).
 */
import * as fs from 'fs';
import * as path from 'path';
import { evaluate, externalRole, serviceCaller } from './evaluator';
import { DeployedWorld } from './world';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isMended, MARKER } = require('../../scripts/mend-iam-simulate.js');

const ROOT = path.join(__dirname, '..', '..');
const ACCOUNT = '111122223333';
const SCHEDULE = `arn:aws:scheduler:eu-west-1:${ACCOUNT}:schedule/default/nightly`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/exec`;

/** A world of one key whose policy lets `exec` decrypt only under the schedule's context (strict: no root kms:*). */
function keyWorld(extra: any[] = []): DeployedWorld {
  return new DeployedWorld({ account: ACCOUNT, region: 'eu-west-1', partition: 'aws' }, [{
    stackName: 'S',
    template: {
      Resources: {
        Key: {
          Type: 'AWS::KMS::Key',
          Properties: {
            KeyPolicy: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:aws:scheduler:schedule:arn': SCHEDULE } } },
                ...extra,
              ],
            },
            Tags: [{ Key: 'EventBridgeApiDestinations', Value: 'true' }],
          },
        },
      },
    },
  }]);
}

function keyArn(world: DeployedWorld): string {
  return world.attribute(world.resource('Key'), 'Arn');
}

const exec = externalRole('exec', ROLE, []);

describe('the IAM policy evaluator', () => {
  test('the evaluator mend is in place: an encryption-context condition decides on the request\'s context value', async () => {
    expect(isMended()).toBe(true);
    const world = keyWorld();
    const decrypt = (value?: string) => evaluate(world, {
      caller: exec,
      action: 'kms:Decrypt',
      resource: keyArn(world),
      context: value === undefined ? {} : { 'kms:EncryptionContext:aws:scheduler:schedule:arn': value },
    });
    // Unmended, the simulator drops the key from the request: the first evaluation throws (ignored key) instead.
    expect((await decrypt(SCHEDULE)).decision).toBe('Allowed');
    expect((await decrypt(`${SCHEDULE}-other`)).decision).toBe('ImplicitlyDenied');
    expect((await decrypt()).decision).toBe('ImplicitlyDenied');
  });

  test('the mend survives a fresh install: jest applies it before every run (globalSetup), and the installed files carry it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.jest.globalSetup).toBe('<rootDir>/test/support/mend-evaluator.js');
    const simulate = path.dirname(require.resolve('@cloud-copilot/iam-simulate'));
    expect(fs.readFileSync(path.join(simulate, 'simulation_engine', 'simulationEngine.js'), 'utf8')).toContain(MARKER);
    expect(fs.readFileSync(path.join(simulate, 'context_keys', 'contextKeys.js'), 'utf8')).toContain(MARKER);
  });

  test('kms:EncryptionContextKeys is derived from the context keys, so ForAllValues conditions see them', async () => {
    const world = keyWorld([{
      Effect: 'Allow',
      Principal: { AWS: ROLE },
      Action: 'kms:GenerateDataKey',
      Resource: '*',
      Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['only'] }, 'Null': { 'kms:EncryptionContext:only': 'false' } },
    }]);
    const generate = (context: Record<string, string>) => evaluate(world, { caller: exec, action: 'kms:GenerateDataKey', resource: keyArn(world), context });
    expect((await generate({ 'kms:EncryptionContext:only': 'x' })).decision).toBe('Allowed');
    expect((await generate({ 'kms:EncryptionContext:only': 'x', 'kms:EncryptionContext:other': 'y' })).decision).toBe('ImplicitlyDenied');
  });

  test('a key policy without the account\'s kms:* statement is not widened by IAM policies (KMS\'s own rule)', async () => {
    const world = keyWorld();
    const admin = externalRole('admin', `arn:aws:iam::${ACCOUNT}:role/admin`, [{ name: 'all', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }]);
    expect((await evaluate(world, { caller: admin, action: 'kms:Decrypt', resource: keyArn(world) })).decision).toBe('ImplicitlyDenied');
  });

  test('resource tags of the key reach aws:ResourceTag conditions', async () => {
    const world = keyWorld([{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'kms:DescribeKey', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/EventBridgeApiDestinations': 'true' } } }]);
    expect((await evaluate(world, { caller: serviceCaller('events.amazonaws.com', ACCOUNT), action: 'kms:DescribeKey', resource: keyArn(world) })).decision).toBe('Allowed');
  });

  test('a context key the simulator does not know for the action fails the evaluation instead of being dropped', async () => {
    const world = keyWorld();
    await expect(evaluate(world, { caller: exec, action: 'kms:DescribeKey', resource: keyArn(world), context: { 'kms:EncryptionContext:x': 'y' } }))
      .rejects.toThrow(/ignored the context keys/);
  });

  test('a resource ARN of the wrong type for the action is rejected by the simulator', async () => {
    const world = keyWorld();
    await expect(evaluate(world, { caller: exec, action: 'events:DescribeConnection', resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:queue` }))
      .rejects.toThrow(/rejected/);
  });

  test('the evaluator is a test-only devDependency: not in dependencies, and nothing under src/ imports it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies ?? {})).not.toContain('@cloud-copilot/iam-simulate');
    expect(Object.keys(pkg.peerDependencies ?? {})).not.toContain('@cloud-copilot/iam-simulate');
    expect(Object.keys(pkg.bundledDependencies ?? {})).not.toContain('@cloud-copilot/iam-simulate');
    expect(pkg.devDependencies['@cloud-copilot/iam-simulate']).toBe('0.1.173');
    const sources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap(e => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const importers = sources(path.join(ROOT, 'src')).filter(f => fs.readFileSync(f, 'utf8').includes('@cloud-copilot'));
    expect(importers).toEqual([]);
  });
});

describe('event bus policies', () => {
  const BUS = `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/orders`;
  const putEvents = (account: string, context: Record<string, string> = {}) => ({
    caller: externalRole('producer', `arn:aws:iam::${account}:role/producer`, [{ name: 'put', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: '*' }] } }]),
    action: 'events:PutEvents',
    resource: BUS,
    context,
  });
  function busWorld(policies: Record<string, any>, busProps: Record<string, any> = {}): DeployedWorld {
    return new DeployedWorld({ account: ACCOUNT, region: 'eu-west-1', partition: 'aws' }, [{
      stackName: 'S',
      template: { Resources: { Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'orders', ...busProps } }, ...policies } },
    }]);
  }
  const policy = (properties: Record<string, any>) => ({ Type: 'AWS::Events::EventBusPolicy', Properties: { EventBusName: { Ref: 'Bus' }, ...properties } });

  test('the statements of every AWS::Events::EventBusPolicy of the bus make its policy, in the Statement form and the Principal/Condition form', async () => {
    const world = busWorld({
      Org: policy({ StatementId: 'org', Statement: { Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': ['Bus', 'Arn'] }, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } } }),
      Account: policy({ StatementId: 'account', Action: 'events:PutEvents', Principal: '444455556666' }),
      Legacy: policy({ StatementId: 'legacy-org', Action: 'events:PutEvents', Principal: '*', Condition: { Type: 'StringEquals', Key: 'aws:PrincipalOrgID', Value: 'o-legacy00000' } }),
      Elsewhere: policy({ StatementId: 'elsewhere', Action: 'events:PutEvents', Principal: '999988887777', EventBusName: 'other' }),
    });
    const decide = async (account: string, context?: Record<string, string>) => (await evaluate(world, putEvents(account, context))).decision;
    expect(await decide('555566667777', { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' })).toBe('Allowed');
    expect(await decide('555566667777', { 'aws:PrincipalOrgID': 'o-legacy00000' })).toBe('Allowed');
    expect(await decide('555566667777', { 'aws:PrincipalOrgID': 'o-another0000' })).toBe('ImplicitlyDenied');
    expect(await decide('444455556666')).toBe('Allowed');
    // a policy of another bus does not apply; without any policy, another account is refused
    expect(await decide('999988887777')).toBe('ImplicitlyDenied');
    expect((await evaluate(busWorld({}), putEvents('444455556666'))).decision).toBe('ImplicitlyDenied');
  });

  test('one statement id written twice on a bus, or policies beside the bus\'s own Policy, fail: each replaces the other on deploy', async () => {
    const twice = busWorld({ A: policy({ StatementId: 'same', Action: 'events:PutEvents', Principal: '444455556666' }), B: policy({ StatementId: 'same', Action: 'events:PutEvents', Principal: '555566667777' }) });
    await expect(evaluate(twice, putEvents('444455556666'))).rejects.toThrow(/the statement ids same are written twice/);
    const both = busWorld({ A: policy({ StatementId: 'a', Action: 'events:PutEvents', Principal: '444455556666' }) }, { Policy: { Version: '2012-10-17', Statement: [] } });
    await expect(evaluate(both, putEvents('444455556666'))).rejects.toThrow(/has a Policy of its own and 1 AWS::Events::EventBusPolicy/);
  });
});
