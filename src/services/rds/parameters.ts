/**
 * What RDS parameter groups and engine versions must hold for TLS enforcement and IAM database authentication. The
 * TLS parameter of each engine (`rds.force_ssl`, `require_secure_transport`) and its "on" value are in
 * `engine-facts.ts`.
 */

/**
 * The values that turn a boolean engine parameter on (compared in lower case): `1`, `on` and `true` (PostgreSQL's
 * `rds.force_ssl`, MySQL's and MariaDB's `require_secure_transport`).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mariadb-ssl-connections.require-ssl.html
 */
export const PARAMETER_ON_VALUES: readonly string[] = ['1', 'on', 'true'];

/** Whether a parameter value given as a literal turns the parameter on. */
export function isParameterOn(value: string): boolean {
  return PARAMETER_ON_VALUES.includes(value.toLowerCase());
}

/** `[major, minor]` of an engine version. */
export type MajorMinor = readonly [number, number];

/** Whether `version` is `minimum` or later. */
export function isAtLeast(version: MajorMinor, minimum: MajorMinor): boolean {
  return version[0] > minimum[0] || (version[0] === minimum[0] && version[1] >= minimum[1]);
}

/**
 * RDS for MariaDB supports `require_secure_transport` from version 10.5.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mariadb-ssl-connections.require-ssl.html
 */
export const MARIADB_TLS_ENFORCEMENT_SINCE: MajorMinor = [10, 5];

/**
 * The first RDS for MariaDB version with IAM database authentication: 10.11. The page below lists, per Region, "All
 * available versions" for RDS for MariaDB 10.11, 11.4 and 11.8 and "Not available" for 10.4, 10.5 and 10.6 (as read in
 * December 2026). Some Regions offer it on no version, or not on 10.11: the construct does not know the Region's table
 * (docs/known-limits.md).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.RDS_Fea_Regions_DB-eng.Feature.IamDatabaseAuthentication.html
 */
export const MARIADB_IAM_AUTHENTICATION_SINCE: MajorMinor = [10, 11];
