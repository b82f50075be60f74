import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EncryptionKey, EncryptionVerification, VerifiedResource } from '../../src';
import { guardManagedPolicySize, IAM_QUOTAS, policyCharacters } from '../../src/private/quota-guards';
import { TEST_ENV } from '../support/fixtures';

function stack(): Stack {
  return new Stack(new App(), 'Quota', { env: TEST_ENV });
}

describe('IAM quotas are checked at synth', () => {
  test('a managed policy past 6,144 characters fails synthesis naming the quota, the size and the fix', () => {
    const s = stack();
    const policy = new iam.ManagedPolicy(s, 'Big', {
      statements: Array.from({ length: 60 }, (_, i) => new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [`arn:aws:sqs:eu-west-1:111122223333:queue-number-${i}-with-a-long-name`] })),
    });
    guardManagedPolicySize(policy, 'Split it.');
    expect(() => (s.node.root as App).synth()).toThrow(/the managed policy Quota\/Big would be about \d+ characters; IAM accepts at most 6144 \(quota "managed policy size", not adjustable\)\. Split it\./);
  });

  test('a managed policy at the limit passes, and deploy-time values are counted at a likely size', () => {
    const s = stack();
    const policy = new iam.ManagedPolicy(s, 'Small', { statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [new iam.Role(s, 'R', { assumedBy: new iam.AccountRootPrincipal() }).roleArn] })] });
    guardManagedPolicySize(policy, 'Split it.');
    expect(() => (s.node.root as App).synth()).not.toThrow();
    expect(policyCharacters(s, policy.document)).toBeLessThan(IAM_QUOTAS.managedPolicyCharacters);
    expect(policyCharacters(s, policy.document)).toBeGreaterThan(128);
  });

  test('the verifier\'s role would carry more than 20 managed policies: synthesis fails with the quota and the fix', () => {
    const s = stack();
    const key = new EncryptionKey(s, 'Key', { protects: 'x' });
    // 12 verified resources per policy, plus the base policy: 250 resources need 22 policies.
    const resources = Array.from({ length: 250 }, (_, i) => VerifiedResource.eventBus(`bus-${i}`, `arn:aws:events:eu-west-1:111122223333:event-bus/bus-${i}`));
    new EncryptionVerification(s, 'Many', { key, resources });
    expect(() => (s.node.root as App).synth()).toThrow(/the role Quota\/EncryptionVerifier\/Role would carry 2\d managed policies; IAM attaches at most 20 per role/);
  });

  test('the verifier\'s policies of a large but possible stack pass (every chunk under 6,144 characters)', () => {
    const s = stack();
    const key = new EncryptionKey(s, 'Key', { protects: 'x', tags: { EventBridgeApiDestinations: 'true' } });
    const resources = Array.from({ length: 120 }, (_, i) => VerifiedResource.connection(`connection-with-a-long-name-${i}`,
      `arn:aws:events:eu-west-1:111122223333:connection/connection-with-a-long-name-${i}`,
      `arn:aws:secretsmanager:eu-west-1:111122223333:secret:events!connection/connection-with-a-long-name-${i}/*`));
    new EncryptionVerification(s, 'Many', { key, resources });
    expect(() => (s.node.root as App).synth()).not.toThrow();
  });

  test('thirty verifications on thirty keys spread over policies each under 6,144 characters (the first once held every key\'s statements)', () => {
    const s = stack();
    for (let i = 0; i < 30; i++) {
      const key = new EncryptionKey(s, `Key${i}`, { protects: `data ${i}` });
      new EncryptionVerification(s, `Verification${i}`, { key, resources: [VerifiedResource.archive(`archive-${i}`, `arn:aws:events:eu-west-1:111122223333:archive/archive-${i}`)] });
    }
    (s.node.root as App).synth();
    const policies = s.node.findChild('EncryptionVerifier').node.children.filter((c): c is iam.ManagedPolicy => c instanceof iam.ManagedPolicy);
    expect(policies.length).toBeGreaterThan(2);
    for (const policy of policies) expect(policyCharacters(s, policy.document)).toBeLessThanOrEqual(IAM_QUOTAS.managedPolicyCharacters);
  });
});
