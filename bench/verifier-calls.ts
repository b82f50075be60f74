/**
 * AWS calls the verifier makes to verify one resource of each type, on the success path, counted through the
 * mocked SDK (the same strict mocks the handler tests use).
 */
import { healthyAccount, healthyArchive, healthyEventBus, KEY_ARN, resetStrictMocks, totalCalls, unexpectedCalls, ALL_RESOURCES } from '../test/verifier/support/aws';
import { cfnEvent, properties } from '../test/verifier/support/events';
import { createHandler } from '../src/verifier/handler.lambda';

export async function countVerifierCallsAsync(): Promise<{ [type: string]: number }> {
  const counts: { [type: string]: number } = {};
  for (const resource of ALL_RESOURCES) {
    resetStrictMocks();
    healthyAccount();
    // The constructs set KmsKeyIdentifier to the key ARN, so EventBridge returns the ARN (no alias resolution call).
    healthyEventBus(KEY_ARN);
    healthyArchive(KEY_ARN);
    let status = '';
    const handler = createHandler({ log: () => undefined, respond: async (_url, r) => { status = r.Status; } });
    await handler(cfnEvent('Create', 'http://127.0.0.1:9/unused', properties({ Resources: [resource] })), { getRemainingTimeInMillis: () => 60_000 });
    if (status !== 'SUCCESS' || unexpectedCalls.length) throw new Error(`verifying ${resource.Type} did not succeed: ${status} ${unexpectedCalls.join('; ')}`);
    counts[resource.Type] = totalCalls();
  }
  return counts;
}

/** Synchronous wrapper for the benchmark script: runs the count in a child process. */
export function countVerifierCalls(): { [type: string]: number } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', `require(${JSON.stringify(__filename)}).countVerifierCallsAsync().then(c => console.log(JSON.stringify(c)))`], {
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: require('path').join(__dirname, '..', 'test', 'tsconfig.json') },
  });
  if (r.status !== 0) throw new Error(`counting verifier calls failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}
