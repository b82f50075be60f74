import { App, Stack } from 'aws-cdk-lib';

/** The account and region of every test stack, so templates hold literals rather than pseudo parameters. */
export const TEST_ENV = { account: '111122223333', region: 'eu-west-1' };

/** A fresh app and stack with an explicit environment. */
export function testStack(id = 'TestStack', context: Record<string, unknown> = {}): Stack {
  const app = new App({ context });
  return new Stack(app, id, { env: TEST_ENV });
}

/**
 * How a key policy statement names an IAM role: the account as principal and the role in `aws:PrincipalArn` (KMS
 * rejects a principal it cannot see yet, and a role created in the same deployment may not be visible).
 */
export function byRole(roleArn: unknown, conditions: Record<string, unknown> = {}): { Principal: { AWS: string }; Condition: Record<string, unknown> } {
  return { Principal: { AWS: `arn:aws:iam::${TEST_ENV.account}:root` }, Condition: { ArnEquals: { 'aws:PrincipalArn': roleArn }, ...conditions } };
}
