/**
 * Runs only in `npx projen test:peer-latest` (test/peer-latest/jest.config.js): proves the run uses the aws-cdk-lib
 * installed in .peer-latest/, for the library and for cdk-nag alike, not the lockfile's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { newestNodeRuntime } from '../../src/services/lambda/runtimes';

const installed = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '.peer-latest', 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf-8')).version;

test('aws-cdk-lib comes from .peer-latest/', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(require('aws-cdk-lib/package.json').version).toBe(installed);
  // cdk-nag's rules read the same aws-cdk-lib: its latest-runtime rule compares with this Runtime.ALL
  expect(lambda.Runtime.ALL.some(r => r.name === newestNodeRuntime().name)).toBe(true);
  console.log(`aws-cdk-lib ${installed}: the verifier runs on ${newestNodeRuntime().name}`);
});
