import { App, Stack } from 'aws-cdk-lib';

/** The account and region of every test stack, so templates hold literals rather than pseudo parameters. */
export const TEST_ENV = { account: '111122223333', region: 'eu-west-1' };

/** A fresh app and stack with an explicit environment. */
export function testStack(id = 'TestStack', context: Record<string, unknown> = {}): Stack {
  const app = new App({ context });
  return new Stack(app, id, { env: TEST_ENV });
}
