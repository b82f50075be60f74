/**
 * What RDS does differently per engine family (PostgreSQL, MySQL, MariaDB): TLS parameter, log types, default port,
 * connection defaults, user-name lengths, Performance Insights support. Shared by every RDS construct.
 */
import * as rds from 'aws-cdk-lib/aws-rds';

/**
 * What the construct needs to know about each supported engine family. Not exported from the package: these are
 * implementation facts, kept in one table so that a reviewer can check them against the AWS docs in one place.
 */
export interface EngineFacts {
  /** The engine family, as in `engine.engineType`. */
  readonly family: 'postgres' | 'mysql' | 'mariadb';
  /** The parameter that makes the server refuse connections without TLS, and its "on" value. */
  readonly tlsParameter: string;
  readonly tlsValue: string;
  /**
   * Every log type the engine can export to CloudWatch Logs (the set Control Tower CT.RDS.PR.14 and cdk-nag
   * RDSLoggingEnabled expect).
   */
  readonly logTypes: string[];
  /** The engine's default port (Control Tower CT.RDS.PR.20 and AwsSolutions-RDS11 flag it). */
  readonly defaultPort: number;
  /** `max_connections` defaults to `DBInstanceClassMemory / divisor` (capped for PostgreSQL). */
  readonly maxConnectionsDivisor: number;
  readonly maxConnectionsCap?: number;
  /** Longest master user name the engine accepts. */
  readonly maxUsernameLength: number;
  /** Whether Performance Insights supports the instance class (e.g. `t3.micro`). */
  supportsPerformanceInsights(instanceClass: string): boolean;
}

/**
 * RDS for MariaDB and MySQL do not support Performance Insights (and Database Insights) on db.t2, db.t3 and db.t4g
 * micro and small; RDS for PostgreSQL lists no instance class restriction.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.Overview.Engines.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Engines.html
 */
const MYSQL_FAMILY_NO_PI = /^(t2|t3|t4g)\.(micro|small)$/;

const FACTS: { [family: string]: EngineFacts } = {
  postgres: {
    family: 'postgres',
    tlsParameter: 'rds.force_ssl',
    tlsValue: '1',
    logTypes: ['postgresql', 'upgrade'],
    defaultPort: 5432,
    maxConnectionsDivisor: 9531392,
    maxConnectionsCap: 5000,
    maxUsernameLength: 63,
    supportsPerformanceInsights: () => true,
  },
  mysql: {
    family: 'mysql',
    tlsParameter: 'require_secure_transport',
    tlsValue: 'ON',
    logTypes: ['audit', 'error', 'general', 'slowquery'],
    defaultPort: 3306,
    maxConnectionsDivisor: 12582880,
    maxUsernameLength: 16,
    supportsPerformanceInsights: c => !MYSQL_FAMILY_NO_PI.test(c),
  },
  mariadb: {
    family: 'mariadb',
    tlsParameter: 'require_secure_transport',
    tlsValue: 'ON',
    logTypes: ['audit', 'error', 'general', 'slowquery'],
    defaultPort: 3306,
    maxConnectionsDivisor: 12582880,
    maxUsernameLength: 16,
    supportsPerformanceInsights: c => !MYSQL_FAMILY_NO_PI.test(c),
  },
};

/** The supported engine families, for error messages. */
export const SUPPORTED_ENGINES = Object.keys(FACTS);

/** The facts of an engine, or undefined when the construct does not support it. */
export function engineFacts(engine: rds.IInstanceEngine): EngineFacts | undefined {
  return FACTS[engine.engineType];
}

/** `[major, minor]` of an engine's version, or undefined when the engine is unversioned. */
export function engineVersion(engine: rds.IInstanceEngine): [number, number] | undefined {
  const full = engine.engineVersion?.fullVersion ?? engine.engineVersion?.majorVersion;
  if (!full) return undefined;
  const [major, minor] = full.split('.').map(n => parseInt(n, 10));
  return [major, Number.isNaN(minor) || minor === undefined ? 0 : minor];
}

/** The default instance class of `rds.DatabaseInstance`. */
export const DEFAULT_INSTANCE_CLASS = 'm5.large';

const BURSTABLE_GIB: { [size: string]: number } = { 'nano': 0.5, 'micro': 1, 'small': 2, 'medium': 4, 'large': 8, 'xlarge': 16, '2xlarge': 32 };
const GIB_PER_VCPU: { [family: string]: number } = { m: 4, r: 8, x: 16, z: 8 };

/**
 * Memory of an instance class in GiB, for the common RDS families (burstable t*, general purpose m*, memory optimized
 * r*, x2*, z1d), or undefined when the class is not one of them.
 */
export function instanceMemoryGiB(instanceClass: string): number | undefined {
  const [family, size] = instanceClass.split('.');
  if (!family || !size) return undefined;
  if (/^t\d/.test(family)) return BURSTABLE_GIB[size];
  const perVcpu = GIB_PER_VCPU[family[0]];
  if (perVcpu === undefined) return undefined;
  const vcpus = size === 'large' ? 2 : size === 'xlarge' ? 4 : /^\d+xlarge$/.test(size) ? 4 * parseInt(size, 10) : undefined;
  return vcpus === undefined ? undefined : vcpus * perVcpu;
}

/**
 * The engine's default `max_connections` for an instance class, from the class's nominal memory (RDS reserves some
 * memory for the OS, so the real value is a little lower), or undefined when the class's memory is not known.
 */
export function estimatedMaxConnections(facts: EngineFacts, instanceClass: string): number | undefined {
  const gib = instanceMemoryGiB(instanceClass);
  if (gib === undefined) return undefined;
  const estimate = Math.floor((gib * 1024 ** 3) / facts.maxConnectionsDivisor);
  return facts.maxConnectionsCap ? Math.min(estimate, facts.maxConnectionsCap) : estimate;
}
