/**
 * Master user names RDS refuses for an engine family beyond the engine's own reserved key words
 * (`naming-facts.ts`) and `rdsadmin`, which RDS keeps for itself on every engine (`instance-facts.ts`).
 *
 * The API reference says only that `MasterUsername` "can't be a reserved word for the chosen database engine"
 * (CreateDBInstance, CreateDBCluster); neither User Guide lists the words per engine, and the "Master user account
 * privileges" pages list privileges, not names. So this table holds only names RDS is seen to refuse with its own
 * error, and says where that was seen; it names nothing the sources do not show.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html#API_CreateDBInstance_RequestParameters (MasterUsername)
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html#API_CreateDBCluster_RequestParameters (MasterUsername)
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.MasterAccounts.html
 * @see https://github.com/aws/aws-cdk/issues/10579 (RDS refuses `admin` on Aurora PostgreSQL)
 * @see https://github.com/aws-cloudformation/cfn-lint/pull/4425 (`admin` refused on PostgreSQL engines, accepted on Aurora MySQL, checked by deploying)
 */

/** The engine families whose master user names the table covers (an Aurora engine follows its family). */
export type UsernameFamily = 'postgres' | 'mysql' | 'mariadb';

/** Names RDS refuses as the master user of an engine family, each with where the refusal is recorded. */
export interface ReservedMasterUsername {
  readonly name: string;
  readonly evidence: string;
}

export const RESERVED_MASTER_USERNAMES: { readonly [family in UsernameFamily]: readonly ReservedMasterUsername[] } = {
  /**
   * RDS for PostgreSQL and Aurora PostgreSQL refuse `admin` ("MasterUsername admin cannot be used as it is a reserved
   * word used by the engine", InvalidParameterValue), though `admin` is not one of PostgreSQL's reserved key words.
   * Seen on Aurora PostgreSQL (aws-cdk#10579, which made aws-cdk-lib's default PostgreSQL user `postgres`), and checked
   * against CloudFormation deployments for both engines by cfn-lint (#4425: `admin` fails on aurora-postgresql,
   * succeeds on aurora-mysql; `postgres` succeeds on aurora-postgresql).
   */
  postgres: [{
    name: 'admin',
    evidence: 'RDS answers "MasterUsername admin cannot be used as it is a reserved word used by the engine" '
      + '(https://github.com/aws/aws-cdk/issues/10579, https://github.com/aws-cloudformation/cfn-lint/pull/4425)',
  }],
  /** The sources list no name beyond MySQL's reserved words and `rdsadmin` (`admin` is accepted: cfn-lint#4425). */
  mysql: [],
  /** The sources list no name beyond `rdsadmin`; MariaDB's reserved words are not carried either (naming-facts.ts). */
  mariadb: [],
};

/** The entry for `name` (compared in lower case) if RDS refuses it as the engine family's master user. */
export function reservedMasterUsername(family: UsernameFamily, name: string): ReservedMasterUsername | undefined {
  const lower = name.toLowerCase();
  return RESERVED_MASTER_USERNAMES[family].find(r => r.name === lower);
}
