/**
 * The DB instance classes RDS offers to the engines the library supports, as a family (`m6g`, the part of
 * `db.m6g.large` after `db.`) and a size pattern: a family RDS does not have, or not for the engine, fails the deploy
 * ("Invalid DB instance class"), so the constructs refuse it at synth time.
 *
 * Sources: the RDS User Guide's DB instance class types and its table of supported engines per class (MariaDB, MySQL,
 * PostgreSQL), the Aurora User Guide's (Aurora MySQL, Aurora PostgreSQL), and, for the families launched after the
 * last copy of those tables read here, the classes each engine can order, as cfn-lint generates them from the RDS
 * pricing data (`src/cfnlint/data/schemas/extensions/aws_rds_dbinstance/dbinstanceclass_enum.json`, 2026-08).
 * Where two sources disagree, a class is accepted: a false refusal blocks a user, a false acceptance fails only the
 * deploy it would have failed anyway. Region availability and engine versions are not checked (docs/known-limits.md).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Types.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.Types.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.SupportAurora.html
 */

/** The engines whose classes the table knows: the RDS instance's engine families and the Aurora cluster's engines. */
export type ClassEngine = 'postgres' | 'mysql' | 'mariadb' | 'aurora-postgresql' | 'aurora-mysql';

/** Sizes of the fixed-performance families: `large`, `xlarge`, `<n>xlarge` (no `metal`: RDS has none). */
const FIXED_SIZES = /^(large|xlarge|[1-9][0-9]?xlarge)$/;
/** Sizes of the burstable families (db.t*). */
const BURSTABLE_SIZES = /^(micro|small|medium|large|xlarge|2xlarge)$/;
/**
 * Aurora has no `micro` burstable class (db.t3.micro and db.t4g.micro: "No" for both Aurora engines), and db.t2 only
 * `small` and `medium`, for Aurora MySQL.
 */
const AURORA_BURSTABLE_SIZES = /^(small|medium|large|xlarge|2xlarge)$/;
const AURORA_T2_SIZES = /^(small|medium)$/;

const RDS_ENGINES: readonly ClassEngine[] = ['postgres', 'mysql', 'mariadb'];
const AURORA_ENGINES: readonly ClassEngine[] = ['aurora-postgresql', 'aurora-mysql'];

/** A family, the engines it is offered for, and the sizes it comes in (for each engine group). */
interface Family {
  readonly engines: readonly ClassEngine[];
  readonly sizes: RegExp;
  /** Different sizes on Aurora, when they differ. */
  readonly auroraSizes?: RegExp;
}

const fixed = (...engines: ClassEngine[]): Family => ({ engines, sizes: FIXED_SIZES });

const FAMILIES: { [family: string]: Family } = {
  // general purpose: RDS for MariaDB, MySQL and PostgreSQL only (Aurora has no db.m*)
  m9g: fixed(...RDS_ENGINES), // (in the pricing data, not yet in the tables read here)
  m8g: fixed(...RDS_ENGINES),
  m8gd: fixed(...RDS_ENGINES),
  m7i: fixed(...RDS_ENGINES),
  m7g: fixed(...RDS_ENGINES),
  m6idn: fixed(...RDS_ENGINES),
  m6in: fixed(...RDS_ENGINES),
  m6id: fixed(...RDS_ENGINES),
  m6i: fixed(...RDS_ENGINES),
  m6gd: fixed(...RDS_ENGINES),
  m6g: fixed(...RDS_ENGINES),
  m5d: fixed(...RDS_ENGINES),
  m5: fixed(...RDS_ENGINES),
  m4: fixed(...RDS_ENGINES),
  // previous generation; the support table says "No" for MariaDB (and has a medium size)
  m3: { engines: ['postgres', 'mysql'], sizes: /^(medium|large|xlarge|2xlarge)$/ },
  // memory optimized
  r8g: fixed(...RDS_ENGINES, ...AURORA_ENGINES),
  r8gd: fixed(...RDS_ENGINES, ...AURORA_ENGINES),
  r7i: fixed(...RDS_ENGINES, ...AURORA_ENGINES),
  r7g: fixed(...RDS_ENGINES, ...AURORA_ENGINES),
  r6idn: fixed(...RDS_ENGINES),
  r6in: fixed(...RDS_ENGINES),
  r6id: fixed(...RDS_ENGINES, ...AURORA_ENGINES),
  r6i: fixed(...RDS_ENGINES, ...AURORA_ENGINES),
  r6gd: fixed(...RDS_ENGINES, ...AURORA_ENGINES),
  r6g: fixed(...RDS_ENGINES, ...AURORA_ENGINES),
  r5b: fixed(...RDS_ENGINES),
  r5d: fixed(...RDS_ENGINES),
  r5: fixed(...RDS_ENGINES, ...AURORA_ENGINES),
  r4: fixed(...RDS_ENGINES, ...AURORA_ENGINES),
  // previous generation; on Aurora, MySQL only ("No" for Aurora PostgreSQL)
  r3: fixed(...RDS_ENGINES, 'aurora-mysql'),
  x2g: fixed(...RDS_ENGINES, ...AURORA_ENGINES),
  x2idn: fixed(...RDS_ENGINES),
  x2iedn: fixed(...RDS_ENGINES),
  // offered only to RDS for Oracle and SQL Server ("No" for MariaDB, MySQL and PostgreSQL)
  x2iezn: fixed(),
  x1e: fixed(),
  x1: fixed(),
  z1d: fixed(),
  // burstable
  t4g: { engines: [...RDS_ENGINES, ...AURORA_ENGINES], sizes: BURSTABLE_SIZES, auroraSizes: AURORA_BURSTABLE_SIZES },
  t3: { engines: [...RDS_ENGINES, ...AURORA_ENGINES], sizes: BURSTABLE_SIZES, auroraSizes: AURORA_BURSTABLE_SIZES },
  t2: { engines: [...RDS_ENGINES, 'aurora-mysql'], sizes: BURSTABLE_SIZES, auroraSizes: AURORA_T2_SIZES },
};

/** What the engines of another product offer that the library's engines do not, for the message. */
const OTHER_ENGINES_ONLY = 'only RDS for Oracle and RDS for SQL Server';

/** The DB instance class types page for the engine: the RDS or the Aurora User Guide. */
export function instanceClassDocs(engine: ClassEngine): string {
  return AURORA_ENGINES.includes(engine)
    ? 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.SupportAurora.html'
    : 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html';
}

/** The families offered for an engine, in the table's order (for messages). */
export function instanceClassFamilies(engine: ClassEngine): string[] {
  return Object.entries(FAMILIES).filter(([, f]) => f.engines.includes(engine)).map(([name]) => name);
}

/** Why RDS would refuse an instance class: what is wrong with it (`prefix`, `family` or `size`), in words. */
export interface InstanceClassProblem {
  readonly kind: 'prefix' | 'family' | 'size';
  readonly message: string;
}

/**
 * Why RDS would refuse `instanceClass` (as `ec2.InstanceType` renders it, without `db.`, e.g. `m6g.large`) for the
 * engine, or undefined when the table offers it. `db.serverless` (Aurora Serverless v2) is always offered to Aurora.
 *
 * @param extraFamilies families to accept for every engine besides the table's (families AWS added after this release)
 */
export function instanceClassProblem(engine: ClassEngine, instanceClass: string, extraFamilies: readonly string[] = []): InstanceClassProblem | undefined {
  const docs = instanceClassDocs(engine);
  const aurora = AURORA_ENGINES.includes(engine);
  if (aurora && instanceClass === 'serverless') return undefined;
  if (instanceClass.startsWith('db.')) {
    return { kind: 'prefix', message: `aws-cdk-lib adds "db." itself (it would send db.${instanceClass}): give ${instanceClass.slice(3)}` };
  }
  const [familyName, ...rest] = instanceClass.split('.');
  const size = rest.join('.');
  if (extraFamilies.includes(familyName)) return undefined;
  const family = Object.prototype.hasOwnProperty.call(FAMILIES, familyName) ? FAMILIES[familyName] : undefined;
  if (!family || !family.engines.includes(engine)) {
    const offeredTo = family && family.engines.length === 0 ? ` (db.${familyName} is for ${OTHER_ENGINES_ONLY})` : '';
    return {
      kind: 'family',
      message: `RDS offers no db.${familyName} DB instance classes for ${engine}${offeredTo}; it offers the families ${instanceClassFamilies(engine).join(', ')}`
        + `${aurora ? ' and db.serverless' : ''} (${docs})`,
    };
  }
  const sizes = aurora ? family.auroraSizes ?? family.sizes : family.sizes;
  if (!sizes.test(size)) {
    return { kind: 'size', message: `db.${familyName} has no size "${size}" for ${engine}: sizes ${describeSizes(sizes)} (${docs})` };
  }
  return undefined;
}

/** A size pattern in words: `large, xlarge or <n>xlarge`, or the alternatives listed. */
function describeSizes(sizes: RegExp): string {
  if (sizes === FIXED_SIZES) return 'large, xlarge or <n>xlarge';
  const words = sizes.source.replace(/^\^\(|\)\$$/g, '').split('|');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
