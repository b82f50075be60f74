/**
 * What RDS accepts for the database name, the master user name and the allocated storage of a PostgreSQL, MySQL or
 * MariaDB instance, and which retention periods Performance Insights and CloudWatch Logs take. Kept in one place, each
 * fact with the page it comes from.
 */

/**
 * `DBName`: PostgreSQL 1 to 63 letters, digits and underscores, starting with a letter or an underscore; MySQL and
 * MariaDB 1 to 64 letters, digits and underscores, starting with a letter. Never a word the engine reserves.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html#API_CreateDBInstance_RequestParameters
 */
export const DATABASE_NAME = {
  postgres: { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, maxLength: 63, allowed: 'letters, digits and "_", starting with a letter or "_"' },
  mysql: { pattern: /^[A-Za-z][A-Za-z0-9_]*$/, maxLength: 64, allowed: 'letters, digits and "_", starting with a letter' },
  mariadb: { pattern: /^[A-Za-z][A-Za-z0-9_]*$/, maxLength: 64, allowed: 'letters, digits and "_", starting with a letter' },
};

/**
 * PostgreSQL's reserved key words (category "reserved" of the parser's keyword list), which RDS rejects as a database
 * or master user name.
 *
 * @see https://www.postgresql.org/docs/current/sql-keywords-appendix.html
 * @see https://github.com/postgres/postgres/blob/master/src/include/parser/kwlist.h (RESERVED_KEYWORD)
 */
export const POSTGRES_RESERVED_WORDS: ReadonlySet<string> = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check',
  'collate', 'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time',
  'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except',
  'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'initially', 'intersect', 'into',
  'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on', 'only', 'or', 'order',
  'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some', 'symmetric', 'table', 'then',
  'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when', 'where', 'window', 'with',
]);

/**
 * MySQL 8.0's reserved words (marked "(R)"), which RDS rejects as a database or master user name. MariaDB keeps its
 * own list, which the construct does not carry: MariaDB names are checked for their characters and length only.
 *
 * @see https://dev.mysql.com/doc/refman/8.0/en/keywords.html
 */
export const MYSQL_RESERVED_WORDS: ReadonlySet<string> = new Set([
  'accessible', 'add', 'all', 'alter', 'analyze', 'and', 'as', 'asc', 'asensitive', 'before', 'between', 'bigint',
  'binary', 'blob', 'both', 'by', 'call', 'cascade', 'case', 'change', 'char', 'character', 'check', 'collate',
  'column', 'condition', 'constraint', 'continue', 'convert', 'create', 'cross', 'cube', 'cume_dist', 'current_date',
  'current_time', 'current_timestamp', 'current_user', 'cursor', 'database', 'databases', 'day_hour',
  'day_microsecond', 'day_minute', 'day_second', 'dec', 'decimal', 'declare', 'default', 'delayed', 'delete',
  'dense_rank', 'desc', 'describe', 'deterministic', 'distinct', 'distinctrow', 'div', 'double', 'drop', 'dual',
  'each', 'else', 'elseif', 'empty', 'enclosed', 'escaped', 'except', 'exists', 'exit', 'explain', 'false', 'fetch',
  'first_value', 'float', 'float4', 'float8', 'for', 'force', 'foreign', 'from', 'fulltext', 'function', 'generated',
  'get', 'grant', 'group', 'grouping', 'groups', 'having', 'high_priority', 'hour_microsecond', 'hour_minute',
  'hour_second', 'if', 'ignore', 'in', 'index', 'infile', 'inner', 'inout', 'insensitive', 'insert', 'int', 'int1',
  'int2', 'int3', 'int4', 'int8', 'integer', 'intersect', 'interval', 'into', 'io_after_gtids', 'io_before_gtids',
  'is', 'iterate', 'join', 'json_table', 'key', 'keys', 'kill', 'lag', 'last_value', 'lateral', 'lead', 'leading',
  'leave', 'left', 'like', 'limit', 'linear', 'lines', 'load', 'localtime', 'localtimestamp', 'lock', 'long',
  'longblob', 'longtext', 'loop', 'low_priority', 'master_bind', 'master_ssl_verify_server_cert', 'match',
  'maxvalue', 'mediumblob', 'mediumint', 'mediumtext', 'middleint', 'minute_microsecond', 'minute_second', 'mod',
  'modifies', 'natural', 'not', 'no_write_to_binlog', 'nth_value', 'ntile', 'null', 'numeric', 'of', 'on',
  'optimize', 'optimizer_costs', 'option', 'optionally', 'or', 'order', 'out', 'outer', 'outfile', 'over',
  'partition', 'percent_rank', 'precision', 'primary', 'procedure', 'purge', 'range', 'rank', 'read', 'reads',
  'read_write', 'real', 'recursive', 'references', 'regexp', 'release', 'rename', 'repeat', 'replace', 'require',
  'resignal', 'restrict', 'return', 'revoke', 'right', 'rlike', 'row', 'rows', 'row_number', 'schema', 'schemas',
  'second_microsecond', 'select', 'sensitive', 'separator', 'set', 'show', 'signal', 'smallint', 'spatial',
  'specific', 'sql', 'sqlexception', 'sqlstate', 'sqlwarning', 'sql_big_result', 'sql_calc_found_rows',
  'sql_small_result', 'ssl', 'starting', 'stored', 'straight_join', 'system', 'table', 'terminated', 'then',
  'tinyblob', 'tinyint', 'tinytext', 'to', 'trailing', 'trigger', 'true', 'undo', 'union', 'unique', 'unlock',
  'unsigned', 'update', 'usage', 'use', 'using', 'utc_date', 'utc_time', 'utc_timestamp', 'values', 'varbinary',
  'varchar', 'varcharacter', 'varying', 'virtual', 'when', 'where', 'while', 'window', 'with', 'write', 'xor',
  'year_month', 'zerofill',
]);

/** The reserved words of an engine family, when the construct knows them. */
export function reservedWords(family: string): ReadonlySet<string> | undefined {
  return family === 'postgres' ? POSTGRES_RESERVED_WORDS : family === 'mysql' ? MYSQL_RESERVED_WORDS : undefined;
}

/**
 * `AllocatedStorage` in GiB by storage type, the same for RDS for PostgreSQL, MySQL and MariaDB: General Purpose
 * (gp2, gp3) 20 to 65,536; Provisioned IOPS (io1, io2) 100 to 65,536; magnetic (standard) 5 to 3,072.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html#API_CreateDBInstance_RequestParameters
 */
export const ALLOCATED_STORAGE_GIB: { [storageType: string]: { min: number; max: number } } = {
  gp2: { min: 20, max: 65536 },
  gp3: { min: 20, max: 65536 },
  io1: { min: 100, max: 65536 },
  io2: { min: 100, max: 65536 },
  standard: { min: 5, max: 3072 },
};

/**
 * The storage types that take provisioned IOPS: io1, io2 and gp3 ("If you specify io1, io2, or gp3, you must also
 * include a value for the Iops parameter"). With gp2 or standard storage, aws-cdk-lib drops `iops` without a word.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html#API_CreateDBInstance_RequestParameters (StorageType, Iops)
 */
export const IOPS_STORAGE_TYPES: readonly string[] = ['io1', 'io2', 'gp3'];

/**
 * `Iops` for RDS for MariaDB, MySQL and PostgreSQL "must be a multiple between .5 and 50 of the storage amount".
 * Checked for io1 only: for io2 (Block Express) and gp3 the User Guide gives other IOPS ranges that this ratio would
 * contradict, and the construct does not guess them.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html#API_CreateDBInstance_RequestParameters (Iops)
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html
 */
export const IO1_IOPS_PER_GIB = { min: 0.5, max: 50 };

/**
 * The IOPS aws-cdk-lib provisions when `iops` is not given: 1,000 for io1 and io2, none otherwise.
 */
export const CDK_DEFAULT_IOPS: { [storageType: string]: number } = { io1: 1000, io2: 1000 };

/**
 * `StorageThroughput` "applies only to the gp3 storage type".
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html#API_CreateDBInstance_RequestParameters (StorageThroughput)
 */
export const THROUGHPUT_STORAGE_TYPES: readonly string[] = ['gp3'];

/**
 * Storage autoscaling: the maximum storage threshold must be at least 10% greater than the allocated storage (e.g.
 * 1,100 GiB or more for 1,000 GiB allocated; RDS otherwise fails with "Invalid max storage size"), and storage never
 * grows past the storage type's `AllocatedStorage` maximum ({@link ALLOCATED_STORAGE_GIB}).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html
 */
export function isMaxAllocatedStorageAbove(maxAllocated: number, allocated: number): boolean {
  // whole numbers: max >= 1.1 x allocated, without floating-point rounding
  return maxAllocated * 10 >= allocated * 11;
}

/** The allocated storage aws-cdk-lib requests when `allocatedStorage` is not given, in GiB. */
export const CDK_DEFAULT_ALLOCATED_STORAGE_GIB = 100;

/**
 * Performance Insights keeps data 7 days (free tier), a multiple of 31 days up to 23 months (31 × 23 = 713), or
 * 731 days (2 years).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html#API_CreateDBInstance_RequestParameters
 */
export function isPerformanceInsightsRetention(days: number): boolean {
  return days === 7 || days === 731 || (Number.isInteger(days) && days % 31 === 0 && days >= 31 && days <= 713);
}
