/**
 * Lambda's Node.js runtimes, as the installed aws-cdk-lib knows them.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The oldest Node.js major version the verifier's bundle runs on: esbuild targets it (`node24`, see .projenrc.ts), and
 * the lockfile's aws-cdk-lib (the bottom of the peer range) knows `nodejs24.x`.
 */
export const VERIFIER_MIN_NODE_MAJOR = 24;

/**
 * The newest Node.js runtime of `lambda.Runtime.ALL` (the runtimes the installed aws-cdk-lib declares), compared by
 * major version: the one cdk-nag's `AwsSolutions-L1` and `Serverless-LambdaLatestVersion` require (cdk-nag's RULES.md) ("the latest runtime
 * version" the user's aws-cdk-lib knows). So the function follows the aws-cdk-lib the app installs, at both ends of the
 * library's peer range; a runtime Lambda has deprecated is never newest, because aws-cdk-lib adds runtimes in order.
 *
 * Runtimes named otherwise than `nodejs<major>.x` (the old `nodejs4.3`, the bare `nodejs`) are left out; a runtime
 * older than the verifier's bundle target fails (it would mean an aws-cdk-lib older than the peer range allows).
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
 */
export function newestNodeRuntime(runtimes: readonly lambda.Runtime[] = lambda.Runtime.ALL): lambda.Runtime {
  let newest: { runtime: lambda.Runtime; major: number } | undefined;
  for (const runtime of runtimes) {
    const major = nodeMajorVersion(runtime);
    if (major === undefined || runtime.isVariable) continue;
    if (!newest || major > newest.major) newest = { runtime, major };
  }
  if (!newest || newest.major < VERIFIER_MIN_NODE_MAJOR) {
    throw new Error(`The installed aws-cdk-lib declares no Node.js ${VERIFIER_MIN_NODE_MAJOR}+ Lambda runtime (newest: ${newest?.runtime.name ?? 'none'}); `
      + 'cdk-encrypted-constructs needs the aws-cdk-lib of its peer range.');
  }
  return newest.runtime;
}

/** The major version of a `nodejs<major>.x` runtime; undefined for every other name. */
export function nodeMajorVersion(runtime: lambda.Runtime): number | undefined {
  if (runtime.family !== lambda.RuntimeFamily.NODEJS) return undefined;
  const match = /^nodejs(\d+)\.x$/.exec(runtime.name);
  return match ? Number(match[1]) : undefined;
}
