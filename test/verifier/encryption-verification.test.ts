import { Template } from 'aws-cdk-lib/assertions';
import { EncryptionKey } from '../../src';
import { EncryptionVerification, VerifiedResource } from '../../src/verifier/encryption-verification';
import { formatFindings, unacknowledgedFindings } from '../support/compliance';
import { testStack } from '../support/fixtures';
import { findCycle } from '../support/template-graph';

test('smoke', () => {
  const stack = testStack();
  const key = new EncryptionKey(stack, 'Key', { protects: 'x' });
  new EncryptionVerification(stack, 'V1', { key, resources: [VerifiedResource.eventBus('bus', 'arn:aws:events:eu-west-1:111122223333:event-bus/bus')] });
  new EncryptionVerification(stack, 'V2', { key, resources: [VerifiedResource.archive('a', 'arn:aws:events:eu-west-1:111122223333:archive/a')] });
  const findings = formatFindings(unacknowledgedFindings(stack));
  const t = Template.fromStack(stack);
  t.resourceCountIs('AWS::Lambda::Function', 1);
  expect(findCycle(t.toJSON())).toBeUndefined();
  expect(findings).toEqual([]);
});
