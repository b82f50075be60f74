/**
 * What Aurora does differently per engine (Aurora PostgreSQL, Aurora MySQL): the cluster parameter that enforces TLS,
 * the log types a cluster exports and where, the default port, user-name lengths, and what Aurora Serverless v2
 * accepts. The engine-independent rules (identifiers, reserved words, ports, Enhanced Monitoring) are the instance's,
 * in `instance-facts.ts` and `naming-facts.ts`: a cluster's instances follow them.
 */
import * as rds from 'aws-cdk-lib/aws-rds';
import { MajorMinor } from './parameters';

/** What the cluster construct needs to know about each Aurora engine. */
export interface ClusterEngineFacts {
  /** The engine, as in `engine.engineType`. */
  readonly engineType: 'aurora-postgresql' | 'aurora-mysql';
  /** The RDS engine family whose reserved words and naming rules the engine follows. */
  readonly family: 'postgres' | 'mysql';
  /** The DB cluster parameter that makes every instance refuse connections without TLS, and its "on" value. */
  readonly tlsParameter: string;
  readonly tlsValue: string;
  /** The log types exported by default: those every version of the engine offers (and cdk-nag's RDS logging rules expect). */
  readonly defaultLogTypes: string[];
  /** Every log type `EnableCloudwatchLogsExports` accepts for the engine. */
  readonly logTypes: string[];
  /** The engine's default port. */
  readonly defaultPort: number;
  /** Longest master user name the engine accepts. */
  readonly maxUsernameLength: number;
  /** `max_connections` of an instance with `memoryGiB` of memory, by the engine's default formula. */
  maxConnections(memoryGiB: number): number;
  /** Whether Performance Insights supports a provisioned instance class (e.g. `t3.medium`); Serverless v2 always does. */
  supportsPerformanceInsights(instanceClass: string): boolean;
}

/**
 * Aurora MySQL has no Performance Insights (Database Insights) on db.t2, db.t3, db.t4g.micro and db.t4g.small; Aurora
 * PostgreSQL has no instance class restriction.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DatabaseInsights.Engines.html
 */
const AURORA_MYSQL_NO_PI = /^(t2\.|t3\.|t4g\.(micro|small)$)/;

const GIB = 1024 ** 3;

const FACTS: { [engineType: string]: ClusterEngineFacts } = {
  /**
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html#AuroraPostgreSQL.Security.SSL.RequireSSL
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html (EnableCloudwatchLogsExports, MasterUsername)
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Managing.html#AuroraPostgreSQL.Managing.MaxConnections
   */
  'aurora-postgresql': {
    engineType: 'aurora-postgresql',
    family: 'postgres',
    tlsParameter: 'rds.force_ssl',
    tlsValue: '1',
    defaultLogTypes: ['postgresql'],
    logTypes: ['postgresql', 'instance', 'iam-db-auth-error'],
    defaultPort: 5432,
    maxUsernameLength: 63,
    maxConnections: gib => Math.min(Math.floor((gib * GIB) / 9531392), 5000),
    supportsPerformanceInsights: () => true,
  },
  /**
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Security.html#AuroraMySQL.Security.SSL.RequireSSL
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html (EnableCloudwatchLogsExports, MasterUsername)
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Performance.html#AuroraMySQL.Managing.MaxConnections
   */
  'aurora-mysql': {
    engineType: 'aurora-mysql',
    family: 'mysql',
    tlsParameter: 'require_secure_transport',
    tlsValue: 'ON',
    defaultLogTypes: ['audit', 'error', 'general', 'slowquery'],
    logTypes: ['audit', 'error', 'general', 'slowquery', 'instance', 'iam-db-auth-error'],
    defaultPort: 3306,
    maxUsernameLength: 16,
    // GREATEST({log(DBInstanceClassMemory/805306368)*45},{log(DBInstanceClassMemory/8187281408)*1000}), log base 2
    maxConnections: gib => Math.max(0, Math.floor(Math.max(Math.log2((gib * GIB) / 805306368) * 45, Math.log2((gib * GIB) / 8187281408) * 1000))),
    supportsPerformanceInsights: c => !AURORA_MYSQL_NO_PI.test(c),
  },
};

/** The supported Aurora engines, for error messages. */
export const SUPPORTED_CLUSTER_ENGINES = Object.keys(FACTS);

/** The facts of an Aurora engine, or undefined when the construct does not support it. */
export function clusterEngineFacts(engine: rds.IClusterEngine): ClusterEngineFacts | undefined {
  return FACTS[engine.engineType];
}

/**
 * The version of an Aurora engine as Aurora numbers it: `[major, minor]` of Aurora PostgreSQL (`16.4` -> `[16, 4]`),
 * or of Aurora MySQL's own version (`8.0.mysql_aurora.3.05.2` -> `[3, 5]`; `5.7.mysql_aurora.2.11.2` -> `[2, 11]`).
 * Undefined when the engine has no version, or only a major one for Aurora MySQL.
 */
export function auroraVersion(engine: rds.IClusterEngine): MajorMinor | undefined {
  const full = engine.engineVersion?.fullVersion;
  if (!full) return undefined;
  const aurora = /mysql_aurora\.(\d+)\.(\d+)/.exec(full);
  if (aurora) return [parseInt(aurora[1], 10), parseInt(aurora[2], 10)];
  if (engine.engineType !== 'aurora-postgresql') return undefined;
  const [major, minor] = full.split('.').map(n => parseInt(n, 10));
  return Number.isNaN(major) ? undefined : [major, Number.isNaN(minor) || minor === undefined ? 0 : minor];
}

/**
 * The first version of each Aurora PostgreSQL major (and of Aurora MySQL 3) that offers Aurora Serverless v2; later
 * majors all do. (Regions newer than the engine may start later: the page lists them.)
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.Aurora_Fea_Regions_DB-eng.Feature.ServerlessV2.html
 */
export const SERVERLESS_V2_SINCE: { [engineType: string]: { [major: number]: MajorMinor; fromMajor: number } } = {
  'aurora-postgresql': { 13: [13, 6], 14: [14, 3], 15: [15, 2], 16: [16, 1], fromMajor: 13 },
  'aurora-mysql': { 3: [3, 2], fromMajor: 3 },
};

/**
 * The first versions whose Aurora Serverless v2 instances can pause (a minimum capacity of 0 ACUs); below them the
 * minimum is 0.5 ACUs.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html
 */
export const SERVERLESS_V2_AUTO_PAUSE_SINCE: { [engineType: string]: { [major: number]: MajorMinor; fromMajor: number } } = {
  'aurora-postgresql': { 13: [13, 15], 14: [14, 12], 15: [15, 7], 16: [16, 3], fromMajor: 13 },
  'aurora-mysql': { 3: [3, 8], fromMajor: 3 },
};

/**
 * The capacity range of Aurora Serverless v2, in Aurora capacity units (ACUs, about 2 GiB of memory each): a
 * minimum of 0 (where the version can pause) or 0.5 and a maximum of at most 256, in steps of 0.5, the maximum at
 * least 1 and not below the minimum.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html
 */
export const SERVERLESS_V2_CAPACITY = { min: 0, pausedMin: 0, unpausedMin: 0.5, max: 256, maxAtLeast: 1, step: 0.5, gibPerAcu: 2 };

/**
 * The `serverlessV2MaxCapacity` aws-cdk-lib's `DatabaseCluster` sets when none is given, in ACUs (it refuses, with an
 * error of its own, a `serverlessV2MinCapacity` above it).
 */
export const CDK_DEFAULT_SERVERLESS_V2_MAX_CAPACITY = 2;

/**
 * The log group RDS exports a cluster's log of one type to: `/aws/rds/cluster/<cluster identifier>/<log type>`. RDS
 * creates it, unencrypted and kept forever, unless it exists.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.CloudWatch.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Integrating.CloudWatch.html
 */
export function clusterLogGroupName(clusterIdentifier: string, logType: string): string {
  return `/aws/rds/cluster/${clusterIdentifier}/${logType}`;
}

/**
 * `BackupRetentionPeriod` of a DB cluster: 1 to 35 days (a cluster always keeps automated backups).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
 */
export const CLUSTER_BACKUP_RETENTION_DAYS = { min: 1, max: 35 };
