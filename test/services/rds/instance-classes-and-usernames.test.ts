import { ClassEngine, instanceClassFamilies, instanceClassProblem } from '../../../src/services/rds/instance-classes';
import { reservedMasterUsername } from '../../../src/services/rds/master-usernames';

const RDS_DOCS = 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html';
const AURORA_DOCS = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.SupportAurora.html';

describe('DB instance classes RDS offers, per engine', () => {
  test.each<[ClassEngine, string]>([
    // the newest and the oldest families of each kind, at the edges of their sizes
    ['postgres', 'm8g.48xlarge'], ['postgres', 'm5.large'], ['postgres', 'm3.medium'], ['mysql', 'm3.2xlarge'],
    ['postgres', 'r8gd.xlarge'], ['mysql', 'r5b.24xlarge'], ['mariadb', 'x2iedn.32xlarge'], ['postgres', 'x2g.large'],
    ['postgres', 't4g.micro'], ['mysql', 't3.2xlarge'], ['mariadb', 't2.small'],
    ['aurora-postgresql', 'r6g.large'], ['aurora-mysql', 'r8g.48xlarge'], ['aurora-postgresql', 'x2g.16xlarge'],
    ['aurora-mysql', 'r3.8xlarge'], ['aurora-postgresql', 't4g.medium'], ['aurora-mysql', 't3.small'], ['aurora-mysql', 't2.medium'],
    ['aurora-postgresql', 'serverless'], ['aurora-mysql', 'serverless'],
  ])('%s offers db.%s', (engine, instanceClass) => {
    expect(instanceClassProblem(engine, instanceClass)).toBeUndefined();
  });

  test.each<[ClassEngine, string, string]>([
    // families RDS does not have at all
    ['postgres', 'c5.large', `RDS offers no db.c5 DB instance classes for postgres; it offers the families ${instanceClassFamilies('postgres').join(', ')} (${RDS_DOCS})`],
    ['mysql', 'x9.large', 'RDS offers no db.x9 DB instance classes for mysql'],
    ['postgres', 'serverless', 'RDS offers no db.serverless DB instance classes for postgres'],
    // families RDS has, but not for the engine
    ['postgres', 'z1d.large', 'RDS offers no db.z1d DB instance classes for postgres (db.z1d is for only RDS for Oracle and RDS for SQL Server)'],
    ['mariadb', 'x1e.xlarge', 'RDS offers no db.x1e DB instance classes for mariadb (db.x1e is for only RDS for Oracle and RDS for SQL Server)'],
    ['mariadb', 'm3.large', 'RDS offers no db.m3 DB instance classes for mariadb'],
    ['aurora-postgresql', 'm5.large', `RDS offers no db.m5 DB instance classes for aurora-postgresql; it offers the families ${instanceClassFamilies('aurora-postgresql').join(', ')} and db.serverless (${AURORA_DOCS})`],
    ['aurora-mysql', 'r6in.large', 'RDS offers no db.r6in DB instance classes for aurora-mysql'],
    ['aurora-postgresql', 'r3.large', 'RDS offers no db.r3 DB instance classes for aurora-postgresql'],
    ['aurora-postgresql', 't2.medium', 'RDS offers no db.t2 DB instance classes for aurora-postgresql'],
    // sizes the family does not come in
    ['postgres', 'm6i.metal', `db.m6i has no size "metal" for postgres: sizes large, xlarge or <n>xlarge (${RDS_DOCS})`],
    ['postgres', 'm5.medium', 'db.m5 has no size "medium"'],
    ['postgres', 't3.4xlarge', 'db.t3 has no size "4xlarge" for postgres: sizes micro, small, medium, large, xlarge or 2xlarge'],
    ['postgres', 'r5.large.tpc1.mem2x', 'db.r5 has no size "large.tpc1.mem2x"'], // (RDS for Oracle's optimized classes)
    ['postgres', 'm6g', 'db.m6g has no size ""'],
    ['aurora-postgresql', 't3.micro', `db.t3 has no size "micro" for aurora-postgresql: sizes small, medium, large, xlarge or 2xlarge (${AURORA_DOCS})`],
    ['aurora-mysql', 't2.large', 'db.t2 has no size "large" for aurora-mysql: sizes small or medium'],
    // the db. prefix aws-cdk-lib adds itself
    ['postgres', 'db.m5.large', 'aws-cdk-lib adds "db." itself (it would send db.db.m5.large): give m5.large'],
    // names that are not a family of the table, though an object's properties are
    ['postgres', 'constructor.large', 'RDS offers no db.constructor DB instance classes'],
  ])('%s refuses db.%s', (engine, instanceClass, message) => {
    expect(instanceClassProblem(engine, instanceClass)?.message).toContain(message);
  });

  test('a family the app adds is accepted for every engine, in any size; the table\'s families are unchanged', () => {
    expect(instanceClassProblem('postgres', 'x9.large', ['x9'])).toBeUndefined();
    expect(instanceClassProblem('aurora-mysql', 'x9.whatever', ['x9'])).toBeUndefined();
    expect(instanceClassProblem('postgres', 'c5.large', ['x9'])?.kind).toBe('family');
  });

  test('what is wrong is told apart: the prefix, the family or the size', () => {
    expect(instanceClassProblem('postgres', 'db.m5.large')?.kind).toBe('prefix');
    expect(instanceClassProblem('postgres', 'c5.large')?.kind).toBe('family');
    expect(instanceClassProblem('postgres', 'm5.metal')?.kind).toBe('size');
  });
});

describe('master user names RDS reserves per engine family', () => {
  test.each([
    ['postgres', 'admin', true], ['postgres', 'ADMIN', true], ['postgres', 'postgres', false], ['postgres', 'admin1', false], ['postgres', 'dbadmin', false],
    ['mysql', 'admin', false], ['mariadb', 'admin', false],
  ] as const)('%s, %s: reserved %s', (family, name, reserved) => {
    expect(reservedMasterUsername(family, name) !== undefined).toBe(reserved);
  });
});
