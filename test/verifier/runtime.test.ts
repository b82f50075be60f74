import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NagRuleCompliance, rules } from 'cdk-nag';
import { EncryptionKey, EncryptionVerification, VerifiedResource } from '../../src';
import { newestNodeRuntime, nodeMajorVersion, VERIFIER_MIN_NODE_MAJOR } from '../../src/services/lambda/runtimes';
import { testStack } from '../support/fixtures';

const node = (name: string, isVariable = false) => new lambda.Runtime(name, lambda.RuntimeFamily.NODEJS, { isVariable });

describe('the verifier runtime follows the installed aws-cdk-lib', () => {
  test('the newest nodejs<major>.x wins, compared by number, not by text or order', () => {
    expect(newestNodeRuntime([node('nodejs24.x'), node('nodejs100.x'), node('nodejs26.x')]).name).toBe('nodejs100.x');
    expect(newestNodeRuntime([node('nodejs'), node('nodejs4.3'), node('nodejs24.x'), node('nodejs22.x')]).name).toBe('nodejs24.x');
  });

  test('a variable runtime (NODEJS_LATEST) and other families never win', () => {
    const python = new lambda.Runtime('python99.x', lambda.RuntimeFamily.PYTHON);
    expect(newestNodeRuntime([node('nodejs24.x'), node('nodejs30.x', true), python]).name).toBe('nodejs24.x');
    expect(nodeMajorVersion(python)).toBeUndefined();
  });

  test('an aws-cdk-lib that knows no runtime the bundle runs on fails with a message', () => {
    expect(() => newestNodeRuntime([node('nodejs22.x')])).toThrow(/declares no Node.js 24\+ Lambda runtime \(newest: nodejs22.x\)/);
    expect(() => newestNodeRuntime([])).toThrow(/newest: none/);
  });

  test('with the installed aws-cdk-lib: the function gets the newest runtime, at least the bundle target, and cdk-nag\'s latest-runtime rule passes', () => {
    const stack = testStack();
    new EncryptionVerification(stack, 'V', { key: new EncryptionKey(stack, 'Key', { protects: 'x' }), resources: [VerifiedResource.eventBus('orders', 'arn:aws:events:eu-west-1:111122223333:event-bus/orders')] });
    const runtime = newestNodeRuntime();
    expect(nodeMajorVersion(runtime)).toBeGreaterThanOrEqual(VERIFIER_MIN_NODE_MAJOR);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Runtime: runtime.name });
    const fn = stack.node.findAll().find((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction)!;
    expect(rules.lambda.LambdaLatestVersion(fn)).toBe(NagRuleCompliance.COMPLIANT);
  });
});
