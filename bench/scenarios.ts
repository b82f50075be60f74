/**
 * Benchmark scenarios: the same resources built with this library ("ours") and by hand with plain aws-cdk-lib L2s
 * the way a careful user would ("hand": key with rotation and a conditioned policy, roles, queues, one trail).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptionKey, KeyAuditTrail } from '../src';

export interface Scenario {
  readonly name: string;
  readonly ours: (stack: Stack, n: number) => void;
  readonly hand: (stack: Stack, n: number) => void;
}

/** The trail a careful user writes once per stack by hand. */
export function handTrail(stack: Stack): void {
  const key = new kms.Key(stack, 'TrailKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
  const bucket = new s3.Bucket(stack, 'TrailBucket', {
    encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true, versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, removalPolicy: RemovalPolicy.RETAIN,
  });
  new cloudtrail.Trail(stack, 'Trail', { bucket, encryptionKey: key, enableFileValidation: true, sendToCloudWatchLogs: true });
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'key',
    ours: (stack, n) => {
      const trail = KeyAuditTrail.of(stack);
      for (let i = 0; i < n; i++) trail.watchKey(new EncryptionKey(stack, `Key${i}`, { protects: `data ${i}` }));
    },
    hand: (stack, n) => {
      handTrail(stack);
      for (let i = 0; i < n; i++) new kms.Key(stack, `Key${i}`, { enableKeyRotation: true, rotationPeriod: Duration.days(365), pendingWindow: Duration.days(30), removalPolicy: RemovalPolicy.RETAIN });
    },
  },
];
