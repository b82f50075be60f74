import { App, Stack } from 'aws-cdk-lib';
import { stackEnvironment } from '../../src/internal/arns';

test.each([
  ['eu-west-1', 'aws'],
  ['us-east-1', 'aws'],
  ['ap-southeast-5', 'aws'],
  ['cn-north-1', 'aws-cn'],
  ['us-gov-west-1', 'aws-us-gov'],
  ['us-iso-east-1', 'aws-iso'],
  ['us-isob-east-1', 'aws-iso-b'],
])('a stack in %s gets the literal partition %s', (region, partition) => {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region } });
  expect(stackEnvironment(stack).partition).toBe(partition);
});

test('an environment-agnostic stack keeps the partition pseudo parameter', () => {
  const stack = new Stack(new App(), 'S');
  expect(stack.resolve(stackEnvironment(stack).partition)).toEqual({ Ref: 'AWS::Partition' });
});
