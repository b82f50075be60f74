import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EncryptionKey, EncryptionVerification, LibrarySnapshot, VerifiedResource } from '../../src';
import { testStack } from '../support/fixtures';

function userAsset(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'user-asset-'));
  fs.writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async () => "user code";');
  return dir;
}

test('replaces the library asset hashes, and only those, with a stable placeholder', () => {
  const stack = testStack();
  const key = new EncryptionKey(stack, 'Key', { protects: 'x' });
  new EncryptionVerification(stack, 'V', { key, resources: [VerifiedResource.eventBus('b', 'arn:aws:events:eu-west-1:111122223333:event-bus/b')] });
  const user = new lambda.Function(stack, 'UserFn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(userAsset()) });

  const libraryHashes = LibrarySnapshot.assetHashes(stack);
  expect(libraryHashes).toHaveLength(1);
  const userHash = JSON.stringify(stack.resolve((user.node.defaultChild as lambda.CfnFunction).code)).match(/[0-9a-f]{64}/)![0];
  expect(libraryHashes).not.toContain(userHash);

  const text = JSON.stringify(LibrarySnapshot.template(stack));
  expect(text).not.toContain(libraryHashes[0]);
  expect(text).toContain(`"S3Key":"${LibrarySnapshot.PLACEHOLDER}.zip"`);
  expect(text).toContain(userHash);
});

test('a stack without library functions is returned unchanged', () => {
  const stack = testStack();
  new EncryptionKey(stack, 'Key', { protects: 'x' });
  expect(LibrarySnapshot.assetHashes(stack)).toEqual([]);
  expect(JSON.stringify(LibrarySnapshot.template(stack))).not.toContain(LibrarySnapshot.PLACEHOLDER);
});
