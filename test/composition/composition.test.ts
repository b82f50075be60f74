import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, NestedStack, Stack, Stage, Tags, TagManager } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct, IConstruct } from 'constructs';
import { createExampleApp } from '../../examples/app';
import { EncryptedResourceProps, KeyAuditTrail, KeyPolicyStatements, VerifiedResource } from '../../src';
import { setUpEncryption, verifyEncryption } from '../../src/encrypted-resource/setup';
import { formatArn, stackEnvironment } from '../../src/internal/arns';
import { TEST_ENV } from '../support/fixtures';

/** A minimal encrypted construct built from the shared pieces, standing in for any of the four. */
class Probe extends Construct {
  constructor(scope: Construct, id: string, props: EncryptedResourceProps = {}) {
    super(scope, id);
    const encryption = setUpEncryption(this, props, id);
    const busArn = formatArn(this, { service: 'events', resource: 'event-bus', resourceName: id });
    encryption.addKeyStatements(KeyPolicyStatements.eventBus({ ...stackEnvironment(this), eventBusArn: busArn }), id);
    verifyEncryption(this, props, encryption.key, [VerifiedResource.eventBus(id, busArn)]);
  }
}

function count(stack: Stack, type: string): number {
  return Object.keys(Template.fromStack(stack).findResources(type)).length;
}

describe('the library inside larger apps', () => {
  test('inside a Stage: one trail for the stage\'s account (in the first stack), one verifier and one tampering alert per stack', () => {
    const app = new App();
    const stage = new Stage(app, 'Prod', { env: TEST_ENV });
    const a = new Stack(stage, 'A');
    const b = new Stack(stage, 'B');
    new Probe(a, 'One');
    new Probe(a, 'Two');
    new Probe(b, 'Three');
    expect(count(a, 'AWS::CloudTrail::Trail')).toBe(1);
    expect(count(b, 'AWS::CloudTrail::Trail')).toBe(0);
    for (const stack of [a, b]) {
      expect(count(stack, 'AWS::Lambda::Function')).toBe(1);
      expect(count(stack, 'AWS::Events::Rule')).toBe(1);
    }
  });

  test('in a nested stack: the trail lives in the top-level parent; the nested stack alerts on its own keys and has its verifier', () => {
    const app = new App();
    const parent = new Stack(app, 'Parent', { env: TEST_ENV });
    const nested = new NestedStack(parent, 'Nested');
    new Probe(nested, 'One');
    new Probe(nested, 'Two');
    expect(count(parent, 'AWS::CloudTrail::Trail')).toBe(1);
    expect(count(nested, 'AWS::CloudTrail::Trail')).toBe(0);
    expect(count(nested, 'AWS::Events::Rule')).toBe(1);
    expect(count(nested, 'AWS::Lambda::Function')).toBe(1);
    expect(count(parent, 'AWS::Lambda::Function')).toBe(0);
  });

  test('two stacks of one account in different regions: one multi-region trail, an alert per stack, no cross-stack reference', () => {
    const app = new App();
    const ireland = new Stack(app, 'Ireland', { env: { account: TEST_ENV.account, region: 'eu-west-1' } });
    const virginia = new Stack(app, 'Virginia', { env: { account: TEST_ENV.account, region: 'us-east-1' } });
    new Probe(ireland, 'One');
    new Probe(virginia, 'One');
    expect(count(ireland, 'AWS::CloudTrail::Trail')).toBe(1);
    expect(count(virginia, 'AWS::CloudTrail::Trail')).toBe(0);
    Template.fromStack(ireland).hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: true });
    for (const stack of [ireland, virginia]) {
      const template = Template.fromStack(stack).toJSON();
      expect(count(stack, 'AWS::Lambda::Function')).toBe(1);
      expect(count(stack, 'AWS::Events::Rule')).toBe(1);
      expect(JSON.stringify(template)).not.toMatch(/Fn::ImportValue/);
    }
    expect(JSON.stringify(Template.fromStack(virginia).toJSON())).not.toContain('eu-west-1');
  });

  test('ten stacks in one account and two regions synthesize exactly one library trail; every stack alerts on its own keys', () => {
    const app = new App();
    const stacks = Array.from({ length: 10 }, (_, i) => new Stack(app, `S${i}`, { env: { account: TEST_ENV.account, region: i % 2 ? 'us-east-1' : 'eu-west-1' } }));
    stacks.forEach((stack, i) => new Probe(stack, `P${i}`));
    const assembly = app.synth();
    const trails = assembly.stacks.flatMap(s => Object.values<any>(s.template.Resources).filter(r => r.Type === 'AWS::CloudTrail::Trail'));
    expect(trails).toHaveLength(1);
    for (const s of assembly.stacks) {
      const rules = Object.values<any>(s.template.Resources).filter(r => r.Type === 'AWS::Events::Rule');
      expect(rules).toHaveLength(1);
      expect(JSON.stringify(rules[0].Properties.EventPattern)).toContain('kms.amazonaws.com');
    }
  });

  test('with the organization trail set app-wide, no stack creates a trail, and every key still has its tampering alert', () => {
    const app = new App({ context: { [KeyAuditTrail.CONTEXT_KEY]: 'arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail' } });
    const a = new Stack(app, 'A', { env: TEST_ENV });
    const b = new Stack(app, 'B', { env: { ...TEST_ENV, region: 'us-east-1' } });
    new Probe(a, 'One');
    new Probe(b, 'Two');
    for (const stack of [a, b]) {
      expect(count(stack, 'AWS::CloudTrail::Trail')).toBe(0);
      const rules = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
      expect(rules).toHaveLength(1);
      // the probe's key and the alert hub's two keys (alert topic, dead letters)
      expect(rules[0].Properties.EventPattern.detail.resources.ARN).toHaveLength(3);
    }
  });

  test('a second library trail in the same account fails synthesis, naming both', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: TEST_ENV });
    const b = new Stack(app, 'B', { env: TEST_ENV });
    new Probe(a, 'One');
    new KeyAuditTrail(b, 'KeyAuditTrail');
    expect(() => app.synth()).toThrow(/B\/KeyAuditTrail would be a second cdk-encrypted-constructs audit trail in account 111122223333, after A\/KeyAuditTrail/);
  });

  test('KeyAuditTrail.of(stack) called first places the account\'s trail in that stack', () => {
    const app = new App();
    const consumer = new Stack(app, 'Consumer', { env: TEST_ENV });
    const audit = new Stack(app, 'Audit', { env: TEST_ENV });
    const trail = KeyAuditTrail.of(audit, { multiRegion: true });
    new Probe(consumer, 'One');
    expect(KeyAuditTrail.of(consumer)).toBe(trail);
    expect(count(audit, 'AWS::CloudTrail::Trail')).toBe(1);
    expect(count(consumer, 'AWS::CloudTrail::Trail')).toBe(0);
  });

  test('one context key in cdk.json turns the library\'s trails off in every stack', () => {
    const app = new App({ context: { [KeyAuditTrail.CONTEXT_KEY]: 'none' } });
    const a = new Stack(app, 'A', { env: TEST_ENV });
    const b = new Stack(new Stage(app, 'S', { env: TEST_ENV }), 'B');
    new Probe(a, 'One');
    new Probe(b, 'Two');
    expect(count(a, 'AWS::CloudTrail::Trail')).toBe(0);
    expect(count(b, 'AWS::CloudTrail::Trail')).toBe(0);
  });

  test('tags applied with Tags.of(app) reach every taggable resource the library creates', () => {
    const app = new App();
    const stack = new Stack(app, 'Tagged', { env: TEST_ENV });
    new Probe(stack, 'One');
    Tags.of(app).add('cost-centre', 'orders');
    app.synth();
    const untagged: string[] = [];
    for (const c of stack.node.findAll() as IConstruct[]) {
      if (c instanceof CfnResource && TagManager.isTaggable(c)) {
        const tags = stack.resolve(c.tags.renderTags()) ?? [];
        const flat = JSON.stringify(tags);
        if (!flat.includes('cost-centre')) untagged.push(`${c.cfnResourceType} ${c.node.path}`);
      }
    }
    expect(untagged).toEqual([]);
  });

  test('tags applied with Tags.of(app) reach every taggable resource of the example app (all four constructs)', () => {
    const app = createExampleApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'tags-')) });
    Tags.of(app).add('cost-centre', 'orders');
    app.synth();
    const stack = app.node.findChild('EncryptedConstructsExample') as Stack;
    const untagged: string[] = [];
    for (const c of stack.node.findAll() as IConstruct[]) {
      if (c instanceof CfnResource && TagManager.isTaggable(c) && !JSON.stringify(stack.resolve(c.tags.renderTags()) ?? []).includes('cost-centre')) {
        untagged.push(`${c.cfnResourceType} ${c.node.path}`);
      }
    }
    expect(untagged).toEqual([]);
  });

  test('the same app synthesizes byte-identical templates twice', () => {
    const synth = () => {
      const app = new App();
      const stack = new Stack(app, 'Det', { env: TEST_ENV });
      new Probe(stack, 'One');
      new Probe(stack, 'Two');
      return JSON.stringify(app.synth().getStackByName('Det').template);
    };
    expect(synth()).toBe(synth());
  });
});
