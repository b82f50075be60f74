/*
 * What the deploy-time verifier asks RDS: which keys a DB instance's or a DB cluster's storage, master user secret and
 * Performance Insights name.
 *
 * Bundled into the verifier Lambda (src/verifier/handler.lambda.ts): import only @aws-sdk/* (provided by the Lambda
 * runtime, external to the bundle) and node built-ins here.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- the AWS SDK v3 is provided by the Lambda runtime and kept out of the bundle
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';

/** The read-only action behind {@link dbInstanceKeys}; the verifier role may call it on the instance's ARN. */
export const DESCRIBE_DB_INSTANCES = 'rds:DescribeDBInstances';

/** The read-only action behind {@link dbClusterKeys}; the verifier role may call it on the cluster's ARN. */
export const DESCRIBE_DB_CLUSTERS = 'rds:DescribeDBClusters';

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

/** What `DescribeDBClusters` says of a cluster's encryption: the same fields, with the same names, as an instance's. */
export type DbClusterKeys = DbInstanceKeys;

/**
 * The keys a DB cluster (Aurora or Multi-AZ) names, from `DescribeDBClusters`: `StorageEncrypted` and `KmsKeyId` for
 * the cluster volume, `MasterUserSecret.KmsKeyId` for the RDS-managed master user secret, `PerformanceInsightsEnabled`
 * and `PerformanceInsightsKMSKeyId` for Performance Insights set on the cluster. Undefined when the answer holds no
 * cluster.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusters.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html
 */
export async function dbClusterKeys(client: RDSClient, identifier: string, abortSignal?: AbortSignal): Promise<DbClusterKeys | undefined> {
  const out = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }), { abortSignal });
  const cluster = out.DBClusters?.[0];
  if (!cluster) return undefined;
  return {
    storageEncrypted: cluster.StorageEncrypted === true,
    storageKeyIdentifier: cluster.KmsKeyId,
    masterUserSecret: cluster.MasterUserSecret ? { keyIdentifier: cluster.MasterUserSecret.KmsKeyId } : undefined,
    performanceInsightsEnabled: cluster.PerformanceInsightsEnabled === true,
    performanceInsightsKeyIdentifier: cluster.PerformanceInsightsKMSKeyId,
  };
}
