/*
 * What the deploy-time verifier asks RDS: which keys a DB instance's storage, master user secret and Performance
 * Insights name.
 *
 * Bundled into the verifier Lambda (src/verifier/handler.lambda.ts): import only @aws-sdk/* (provided by the Lambda
 * runtime, external to the bundle) and node built-ins here.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- the AWS SDK v3 is provided by the Lambda runtime and kept out of the bundle
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';

/** The read-only action behind {@link dbInstanceKeys}; the verifier role may call it on the instance's ARN. */
export const DESCRIBE_DB_INSTANCES = 'rds:DescribeDBInstances';

/** What `DescribeDBInstances` says of an instance's encryption. */
export interface DbInstanceKeys {
  /** `StorageEncrypted`. */
  readonly storageEncrypted: boolean;
  /** `KmsKeyId`: the key of the storage (a key ARN) when it is encrypted. */
  readonly storageKeyIdentifier?: string;
  /** `MasterUserSecret`, when RDS manages the master user password in Secrets Manager. */
  readonly masterUserSecret?: {
    /** `MasterUserSecret.KmsKeyId`: the key of that secret. */
    readonly keyIdentifier?: string;
  };
  /** `PerformanceInsightsEnabled`. */
  readonly performanceInsightsEnabled: boolean;
  /** `PerformanceInsightsKMSKeyId`: the key of the Performance Insights data. */
  readonly performanceInsightsKeyIdentifier?: string;
}

/**
 * The keys a DB instance names, from `DescribeDBInstances`: `StorageEncrypted` and `KmsKeyId` for the storage,
 * `MasterUserSecret.KmsKeyId` for the RDS-managed master user secret, `PerformanceInsightsEnabled` and
 * `PerformanceInsightsKMSKeyId` for Performance Insights. Undefined when the answer holds no instance.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html
 */
export async function dbInstanceKeys(client: RDSClient, identifier: string, abortSignal?: AbortSignal): Promise<DbInstanceKeys | undefined> {
  const out = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }), { abortSignal });
  const instance = out.DBInstances?.[0];
  if (!instance) return undefined;
  return {
    storageEncrypted: instance.StorageEncrypted === true,
    storageKeyIdentifier: instance.KmsKeyId,
    masterUserSecret: instance.MasterUserSecret ? { keyIdentifier: instance.MasterUserSecret.KmsKeyId } : undefined,
    performanceInsightsEnabled: instance.PerformanceInsightsEnabled === true,
    performanceInsightsKeyIdentifier: instance.PerformanceInsightsKMSKeyId,
  };
}
