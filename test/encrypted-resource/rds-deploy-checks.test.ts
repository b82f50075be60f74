import { Annotations as CoreAnnotations, CfnParameter, Duration, RemovalPolicies, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations as AssertionAnnotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { EncryptedRdsCluster, EncryptedRdsClusterProps, EncryptedRdsInstance, EncryptedRdsInstanceProps } from '../../src';
import { RDS_INSTANCE_CLASS_FAMILIES_CONTEXT } from '../../src/encrypted-resource/rds-engine-checks';
import { RDS_DELETED_WITHOUT_SNAPSHOT_WARNING } from '../../src/encrypted-resource/rds-removal-checks';
import { KEY_DESTROYED_DATA_KEPT_WARNING } from '../../src/encrypted-resource/removal-checks';
import { testStack } from '../support/fixtures';

// What RDS refuses at deploy time and the settings that lose data without a word (issue #27), for both RDS
// constructs. A refusal throws before anything is built, and no case synthesizes: each builds one construct in a
// fresh stack, and warnings are read from the construct's metadata.

const POSTGRES = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
const MYSQL = rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0 });
const AURORA_POSTGRES = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 });
const AURORA_MYSQL = rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_0 });

/** A VPC with public subnets (routed to its internet gateway) and isolated ones, where the databases go by default. */
function vpcOf(stack: Stack, options: Partial<ec2.VpcProps> = {}): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    ...options,
  });
}

function instance(props: Partial<EncryptedRdsInstanceProps> = {}, stack = testStack()): EncryptedRdsInstance {
  return new EncryptedRdsInstance(stack, 'Db', { engine: POSTGRES, vpc: props.vpc ?? vpcOf(stack), ...props });
}

function cluster(props: Partial<EncryptedRdsClusterProps> = {}, stack = testStack()): EncryptedRdsCluster {
  return new EncryptedRdsCluster(stack, 'Db', {
    engine: AURORA_POSTGRES, vpc: props.vpc ?? vpcOf(stack), writer: rds.ClusterInstance.serverlessV2('Writer'), ...props,
  });
}

/** A provisioned cluster instance of the given class. */
const provisioned = (id: string, instanceClass: string, options: Partial<rds.ProvisionedClusterInstanceProps> = {}) =>
  rds.ClusterInstance.provisioned(id, { instanceType: new ec2.InstanceType(instanceClass), ...options });

/**
 * The warnings with this id on the construct's database (child `Resource`, where they go), once its validations ran
 * (where they are decided), without synthesizing.
 */
function warnings(construct: IConstruct, id: string): string[] {
  const database = construct.node.findChild('Resource');
  expect(database.node.validate()).toEqual([]);
  return database.node.metadata.filter(m => m.type === 'aws:cdk:warning' && String(m.data).includes(`[ack: ${id}]`)).map(m => String(m.data));
}

describe('master user names RDS reserves for the engine', () => {
  test.each([
    ['EncryptedRdsInstance, PostgreSQL', () => instance({ credentials: rds.Credentials.fromUsername('admin') }), 'postgres'],
    ['EncryptedRdsInstance, PostgreSQL, any case', () => instance({ credentials: rds.Credentials.fromUsername('Admin') }), 'postgres'],
    ['EncryptedRdsCluster, Aurora PostgreSQL', () => cluster({ credentials: rds.Credentials.fromUsername('admin') }), 'aurora-postgresql'],
  ])('%s: admin is refused, naming the engine and the error RDS gives', (_, build, engine) => {
    expect(build).toThrow(new RegExp(`credentials\\.username: got "[Aa]dmin"; is reserved on ${engine}: RDS answers "MasterUsername admin cannot be used as it is a reserved word used by the engine"`));
  });

  test.each([
    ['EncryptedRdsInstance, MySQL', () => instance({ engine: MYSQL, credentials: rds.Credentials.fromUsername('admin') })],
    ['EncryptedRdsCluster, Aurora MySQL', () => cluster({ engine: AURORA_MYSQL, credentials: rds.Credentials.fromUsername('admin') })],
  ])('%s: accepted', (_, build) => {
    expect(build).not.toThrow();
  });
});

describe('DB instance classes RDS offers for the engine', () => {
  test.each([
    ['an EC2 family RDS does not have', () => instance({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.C5, ec2.InstanceSize.LARGE) }),
      /instanceType: got db\.c5\.large; RDS offers no db\.c5 DB instance classes for postgres; it offers the families m9g, .* \(https:\/\/docs\.aws\.amazon\.com\/AmazonRDS\/latest\/UserGuide\/Concepts\.DBInstanceClass\.Support\.html\); a family launched after this release of the library can be allowed with the context key cdk-encrypted-constructs:rdsInstanceClassFamilies/],
    ['a family no one has', () => instance({ instanceType: new ec2.InstanceType('x9.large') }), /instanceType: got db\.x9\.large; RDS offers no db\.x9/],
    ['a family only Oracle and SQL Server have', () => instance({ instanceType: new ec2.InstanceType('z1d.large') }), /db\.z1d is for only RDS for Oracle and RDS for SQL Server/],
    ['a size the family does not come in', () => instance({ instanceType: new ec2.InstanceType('m6i.metal') }), /instanceType: got db\.m6i\.metal; db\.m6i has no size "metal" for postgres/],
    ['the db. prefix, which aws-cdk-lib adds again', () => instance({ instanceType: new ec2.InstanceType('db.m5.large') }), /give m5\.large$/m],
    ['Aurora: a general-purpose writer', () => cluster({ writer: provisioned('Writer', 'm5.large') }),
      /writer: got db\.m5\.large; RDS offers no db\.m5 DB instance classes for aurora-postgresql; .* and db\.serverless \(https:\/\/docs\.aws\.amazon\.com\/AmazonRDS\/latest\/AuroraUserGuide\//],
    ['Aurora: a micro reader', () => cluster({ readers: [provisioned('Reader', 't3.micro')] }), /readers\[0\]: got db\.t3\.micro; db\.t3 has no size "micro" for aurora-postgresql/],
    ['Aurora PostgreSQL: db.r3, which only Aurora MySQL has', () => cluster({ writer: provisioned('Writer', 'r3.large') }), /writer: got db\.r3\.large; RDS offers no db\.r3 DB instance classes for aurora-postgresql/],
  ])('%s is refused, naming the family and the page', (_, build, message) => {
    expect(build).toThrow(message);
  });

  test.each([
    ['the smallest burstable class', () => instance({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO) })],
    ['a class chosen at deploy time (a token)', () => {
      const stack = testStack();
      return instance({ instanceType: new ec2.InstanceType(new CfnParameter(stack, 'Class').valueAsString) }, stack);
    }],
    ['Aurora: Serverless v2 and a memory-optimized reader', () => cluster({ readers: [provisioned('Reader', 'r6g.large')] })],
    ['Aurora MySQL: db.r3', () => cluster({ engine: AURORA_MYSQL, writer: provisioned('Writer', 'r3.large') })],
    ['a family the app allows through the context key', () => instance({ instanceType: new ec2.InstanceType('x9.large') },
      testStack('TestStack', { [RDS_INSTANCE_CLASS_FAMILIES_CONTEXT]: ['x9'] }))],
  ])('%s is accepted', (_, build) => {
    expect(build).not.toThrow();
  });

  test('a context value that is not a list of families is refused, naming the context key', () => {
    expect(() => instance({}, testStack('TestStack', { [RDS_INSTANCE_CLASS_FAMILIES_CONTEXT]: 'x9' })))
      .toThrow(/context cdk-encrypted-constructs:rdsInstanceClassFamilies: got "x9"; must be an array of instance class families without "db\." \(e\.g\. \["m9x"\]\)/);
  });
});

describe('public access needs public subnets (and DNS) in the VPC', () => {
  const PRIVATE = /RDS makes a DB instance publicly accessible only when every subnet of its DB subnet group routes to an internet gateway; (the default subnets \(isolated, else private\)|the subnets vpcSubnets selects) include some that do not \(TestStack\/Vpc\/\w+Subnet1, TestStack\/Vpc\/\w+Subnet2\): choose public subnets/;

  test.each([
    ['the default subnets (isolated)', () => instance({ publiclyAccessible: true }), /publiclyAccessible: got true; .*the default subnets/],
    ['isolated subnets chosen', () => instance({ publiclyAccessible: true, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }), /publiclyAccessible: got true; .*the subnets vpcSubnets selects/],
    ['public subnets of a VPC without an internet gateway', () => {
      const stack = testStack();
      return instance({ publiclyAccessible: true, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, vpc: vpcOf(stack, { createInternetGateway: false }) }, stack);
    }, /publiclyAccessible: got true; .*TestStack\/Vpc\/PublicSubnet1/],
    ['Aurora: a writer made publicly accessible in the default subnets', () => cluster({ writer: rds.ClusterInstance.serverlessV2('Writer', { publiclyAccessible: true }) }),
      /writer: got publiclyAccessible: true; .*the default subnets/],
    ['Aurora: a reader made publicly accessible in isolated subnets', () => cluster({
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, readers: [rds.ClusterInstance.serverlessV2('Reader', { publiclyAccessible: true })],
    }), /readers\[0\]: got publiclyAccessible: true; .*the subnets vpcSubnets selects/],
  ])('%s: refused, naming the subnets', (_, build, message) => {
    expect(build).toThrow(message);
    expect(build).toThrow(PRIVATE);
  });

  test('public subnets of a VPC without DNS hostnames: refused (RDS answers InvalidVPCNetworkStateFault)', () => {
    const stack = testStack();
    expect(() => instance({ publiclyAccessible: true, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, vpc: vpcOf(stack, { enableDnsHostnames: false }) }, stack))
      .toThrow(/publiclyAccessible: got true; RDS makes a DB instance publicly accessible only in a VPC with DNS hostnames and DNS resolution on/);
  });

  test.each([
    ['public subnets routed to the internet gateway', () => instance({ publiclyAccessible: true, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })],
    ['an imported VPC, whose routes synth cannot see', () => {
      const stack = testStack();
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
        vpcId: 'vpc-1234', availabilityZones: ['eu-west-1a', 'eu-west-1b'], isolatedSubnetIds: ['subnet-1', 'subnet-2'],
      });
      return instance({ publiclyAccessible: true, vpc }, stack);
    }],
    ['Aurora: public subnets (aws-cdk-lib then makes the instances publicly accessible)', () => cluster({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })],
  ])('%s: accepted', (_, build) => {
    expect(build).not.toThrow();
  });

  test('Aurora: instances that aws-cdk-lib makes publicly accessible in public subnets are named in a warning', () => {
    const db = cluster({
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      readers: [rds.ClusterInstance.serverlessV2('Reader'), rds.ClusterInstance.serverlessV2('Private', { publiclyAccessible: false })],
    });
    const [warning, ...others] = warnings(db, EncryptedRdsCluster.PUBLIC_INSTANCE_WARNING);
    expect(others).toEqual([]);
    expect(warning).toContain('The DB instances writer, readers[0] of the cluster are publicly accessible');
    expect(warning).toContain('unless its ClusterInstance options say publiclyAccessible: false');
    CoreAnnotations.of(db).acknowledgeWarning(EncryptedRdsCluster.PUBLIC_INSTANCE_WARNING, 'a public test database');
    expect(warnings(db, EncryptedRdsCluster.PUBLIC_INSTANCE_WARNING)).toEqual([]);
  });

  test.each([
    ['the default subnets', () => cluster()],
    ['public subnets, every instance publiclyAccessible: false', () => cluster({
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, writer: rds.ClusterInstance.serverlessV2('Writer', { publiclyAccessible: false }),
    })],
  ])('Aurora, no public-instance warning: %s', (_, build) => {
    expect(warnings(build(), EncryptedRdsCluster.PUBLIC_INSTANCE_WARNING)).toEqual([]);
  });
});

describe('settings that lose data without a word are acknowledgeable warnings', () => {
  test('a key deleted with the stack while the final snapshot and the log groups are kept', () => {
    const db = instance({ keyOptions: { removalPolicy: RemovalPolicy.DESTROY } });
    const [warning, ...others] = warnings(db, KEY_DESTROYED_DATA_KEPT_WARNING);
    expect(others).toEqual([]);
    expect(warning).toContain('The key TestStack/Db/Key is deleted with the stack (removal policy DESTROY), but the final snapshot of the DB instance (removal policy SNAPSHOT) '
      + 'and the exported log groups (PostgresqlLogGroup, UpgradeLogGroup) (removal policy RETAIN_ON_UPDATE_OR_DELETE) will be kept.');
    expect(warning).toContain('KMS deletes the key 30 days after the stack deletion schedules it');
    expect(warning).toContain('https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html');
  });

  test('the key\'s own waiting period is named; a retained cluster counts as kept', () => {
    const db = cluster({ keyOptions: { removalPolicy: RemovalPolicy.DESTROY, pendingWindow: Duration.days(7) }, removalPolicy: RemovalPolicy.RETAIN, cloudwatchLogsExports: [] });
    const [warning, ...others] = warnings(db, KEY_DESTROYED_DATA_KEPT_WARNING);
    expect(others).toEqual([]);
    expect(warning).toContain('but the DB cluster (removal policy RETAIN) will be kept. KMS deletes the key 7 days after the stack deletion schedules it');
  });

  test('a key of the app made with removalPolicy DESTROY warns too, naming that key', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'AppKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY, pendingWindow: undefined });
    const db = instance({ encryptionKey: key, cloudwatchLogsExports: [] }, stack);
    expect(warnings(db, KEY_DESTROYED_DATA_KEPT_WARNING)).toEqual([expect.stringMatching(
      /^The key TestStack\/AppKey is deleted with the stack .* KMS deletes the key 30 days \(its default waiting period\) after/,
    )]);
  });

  test('acknowledged on the construct once it is made (as the docs show), it is gone', () => {
    const db = instance({ keyOptions: { removalPolicy: RemovalPolicy.DESTROY }, removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false });
    CoreAnnotations.of(db).acknowledgeWarning(KEY_DESTROYED_DATA_KEPT_WARNING, 'test database');
    CoreAnnotations.of(db).acknowledgeWarning(RDS_DELETED_WITHOUT_SNAPSHOT_WARNING, 'test database');
    expect(warnings(db, KEY_DESTROYED_DATA_KEPT_WARNING)).toEqual([]);
    expect(warnings(db, RDS_DELETED_WITHOUT_SNAPSHOT_WARNING)).toEqual([]);
  });

  test.each([
    ['the default (key retained)', () => instance()],
    ['an imported key (its removal policy is not ours)', () => {
      const stack = testStack();
      return instance({ encryptionKey: kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab') }, stack);
    }],
    ['key and data both destroyed, no log exports', () => instance({
      keyOptions: { removalPolicy: RemovalPolicy.DESTROY }, removalPolicy: RemovalPolicy.DESTROY, deletionProtection: true, cloudwatchLogsExports: [],
    })],
  ])('no key warning: %s', (_, build) => {
    expect(warnings(build(), KEY_DESTROYED_DATA_KEPT_WARNING)).toEqual([]);
  });

  test('decided after the aspects: RemovalPolicies.of(stack).destroy() deletes the log groups too, so nothing is kept', () => {
    const stack = testStack();
    RemovalPolicies.of(stack).destroy();
    instance({ keyOptions: { removalPolicy: RemovalPolicy.DESTROY }, removalPolicy: RemovalPolicy.DESTROY }, stack);
    const messages = AssertionAnnotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data));
    expect(messages.filter(m => m.includes(KEY_DESTROYED_DATA_KEPT_WARNING))).toEqual([]);
    // (its opposite: without the aspect, the log groups are kept and the warning names them)
    expect(warnings(instance({ keyOptions: { removalPolicy: RemovalPolicy.DESTROY }, removalPolicy: RemovalPolicy.DESTROY }), KEY_DESTROYED_DATA_KEPT_WARNING))
      .toEqual([expect.stringContaining('but the exported log groups (PostgresqlLogGroup, UpgradeLogGroup) (removal policy RETAIN_ON_UPDATE_OR_DELETE) will be kept')]);
    expect(messages.filter(m => m.includes(RDS_DELETED_WITHOUT_SNAPSHOT_WARNING))).toEqual([]);
  });

  test.each([
    ['EncryptedRdsInstance', () => instance({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false }), 'DB instance'],
    ['EncryptedRdsCluster', () => cluster({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false }), 'DB cluster'],
  ])('%s: removal policy DESTROY without deletion protection warns', (_, build, kind) => {
    expect(warnings(build(), RDS_DELETED_WITHOUT_SNAPSHOT_WARNING)).toEqual([expect.stringContaining(
      `The ${kind} has removal policy DESTROY and deletion protection off: deleting the stack, removing this construct, or an update that replaces the ${kind} deletes it and its data with no final snapshot`,
    )]);
  });

  test.each([
    ['DESTROY with deletion protection (the default)', { removalPolicy: RemovalPolicy.DESTROY }],
    ['deletion protection off with a final snapshot (the default)', { deletionProtection: false }],
  ])('no deletion warning: %s', (_, props) => {
    expect(warnings(instance(props), RDS_DELETED_WITHOUT_SNAPSHOT_WARNING)).toEqual([]);
  });
});
