import { CustomResource, Duration, Reference, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { HandlerFunction } from './handler-function';
import { acknowledgeEach, nagResourceText } from '../internal/acknowledgements';
import { formatArn, shortHash, stackEnvironment } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { namedResourceRemovalPolicy } from '../internal/removal-policies';
import { checkArn, PropValidator, requiredObject } from '../internal/validation';
import { VERIFICATION_CONTEXT_KEY, verifierContextConditions } from '../key/conditions';
import { addKeyStatements, registerRolePath } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { guardManagedPoliciesPerRole, guardManagedPolicySize, guardStackQuotas, policyCharacters } from '../quotas/quota-guards';
import { logGroupArn } from '../services/logs/arns';
import { SharedAlarmTopic } from '../stack/alarm-topic';
import { newDeadLetterQueue } from '../stack/dead-letter-queue';

/**
 * A resource whose key binding the verifier checks, and what the verifier may call to check it.
 *
 * Build one with the static methods; each names the exact read-only API call and the ARN it is allowed on.
 */
export class VerifiedResource {
  /**
   * An EventBridge Scheduler schedule: `GetSchedule` must return `KmsKeyArn` = the key.
   *
   * @param keyPolicyScheduleArn the `.../schedule/<group>/*` pattern when the key policy names the schedule's group
   *   (`ScheduleKeyPolicyScope.SCHEDULE_GROUP`) rather than the schedule
   */
  public static schedule(scheduleName: string, groupName: string, scheduleArn: string, dependency?: IConstruct, keyPolicyScheduleArn?: string): VerifiedResource {
    checkArn('VerifiedResource.schedule', 'scheduleArn', scheduleArn, SCHEDULE_ARN, 'arn:<partition>:scheduler:<region>:<account>:schedule/<group>/<name>');
    return new VerifiedResource(
      { Type: 'AWS::Scheduler::Schedule', Name: scheduleName, GroupName: groupName },
      [new iam.PolicyStatement({ actions: ['scheduler:GetSchedule'], resources: [scheduleArn] })],
      dependency,
      scheduleArn,
      keyPolicyScheduleArn,
    );
  }

  /** An EventBridge event bus: `DescribeEventBus` must return `KmsKeyIdentifier` = the key. */
  public static eventBus(eventBusName: string, eventBusArn: string, dependency?: IConstruct): VerifiedResource {
    checkArn('VerifiedResource.eventBus', 'eventBusArn', eventBusArn, EVENT_BUS_ARN, 'arn:<partition>:events:<region>:<account>:event-bus/<name>');
    return new VerifiedResource(
      { Type: 'AWS::Events::EventBus', Name: eventBusName },
      [new iam.PolicyStatement({ actions: ['events:DescribeEventBus'], resources: [eventBusArn] })],
      dependency,
    );
  }

  /** An EventBridge archive: `DescribeArchive` must return `KmsKeyIdentifier` = the key. */
  public static archive(archiveName: string, archiveArn: string, dependency?: IConstruct): VerifiedResource {
    checkArn('VerifiedResource.archive', 'archiveArn', archiveArn, ARCHIVE_ARN, 'arn:<partition>:events:<region>:<account>:archive/<name>');
    return new VerifiedResource(
      { Type: 'AWS::Events::Archive', Name: archiveName },
      [new iam.PolicyStatement({ actions: ['events:DescribeArchive'], resources: [archiveArn] })],
      dependency,
    );
  }

  /**
   * An EventBridge connection: `DescribeConnection` must return `KmsKeyIdentifier` = the key, Secrets Manager's
   * `DescribeSecret` of its secret `KmsKeyId` = the key, and the key must carry `EventBridgeApiDestinations=true`.
   *
   * @param connectionArn the ARN IAM authorizes connection actions against: `arn:<partition>:events:<region>:<account>:connection/<name>`
   *   (CloudFormation's `ArnForPolicy`), NOT the connection's `Arn` attribute, which ends in `/<uuid>` and matches no
   *   IAM resource of `events:DescribeConnection`
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html
   */
  public static connection(connectionName: string, connectionArn: string, secretArn: string, dependency?: IConstruct): VerifiedResource {
    checkArn('VerifiedResource.connection', 'connectionArn', connectionArn, CONNECTION_ARN, 'arn:<partition>:events:<region>:<account>:connection/<name> (the IAM form, without /<uuid>)');
    checkArn('VerifiedResource.connection', 'secretArn', secretArn, SECRET_ARN, 'arn:<partition>:secretsmanager:<region>:<account>:secret:<name>');
    return new VerifiedResource(
      { Type: 'AWS::Events::Connection', Name: connectionName },
      [
        new iam.PolicyStatement({ actions: ['events:DescribeConnection'], resources: [connectionArn] }),
        new iam.PolicyStatement({ actions: ['secretsmanager:DescribeSecret'], resources: [secretArn] }),
      ],
      dependency,
    );
  }

  /**
   * An RDS DB instance: `DescribeDBInstances` must return `StorageEncrypted` and `KmsKeyId` = the key, and, when
   * expected, `MasterUserSecret.KmsKeyId` and `PerformanceInsightsKMSKeyId` = the key.
   */
  public static dbInstance(instanceIdentifier: string, instanceArn: string, options: DbInstanceVerificationOptions = {}, dependency?: IConstruct): VerifiedResource {
    checkArn('VerifiedResource.dbInstance', 'instanceArn', instanceArn, DB_INSTANCE_ARN, 'arn:<partition>:rds:<region>:<account>:db:<identifier>');
    return new VerifiedResource(
      {
        Type: 'AWS::RDS::DBInstance',
        Identifier: instanceIdentifier,
        ExpectMasterUserSecret: String(options.masterUserSecret ?? true),
        ExpectPerformanceInsights: String(options.performanceInsights ?? true),
      },
      [new iam.PolicyStatement({ actions: ['rds:DescribeDBInstances'], resources: [instanceArn] })],
      dependency,
    );
  }

  private constructor(
    /** The descriptor passed to the handler. */
    public readonly descriptor: { [key: string]: string },
    /** The read-only calls the verifier role needs for this resource. */
    public readonly statements: iam.PolicyStatement[],
    /** The construct the verification must wait for. */
    public readonly dependency?: IConstruct,
    /**
     * For a schedule: its ARN. `GetSchedule` on a schedule encrypted with a customer managed key makes Scheduler
     * decrypt the payload with the caller's permissions, so the verifier needs `kms:Decrypt` through Scheduler for
     * this schedule's encryption context (and no other).
     */
    public readonly scheduleArn?: string,
    /**
     * For a schedule whose key policy names its group (`.../schedule/<group>/*`): the context pattern the verifier's
     * key-policy statement uses, so the statement is shared by every schedule of the group. Its IAM policy keeps the
     * schedule's own ARN.
     */
    public readonly keyPolicyScheduleArn?: string,
  ) {}
}

/** Which of an RDS instance's encrypted parts to check besides storage. */
export interface DbInstanceVerificationOptions {
  /**
   * Check that the RDS-managed master user secret is encrypted with the key.
   *
   * @default true
   */
  readonly masterUserSecret?: boolean;
  /**
   * Check that Performance Insights data is encrypted with the key.
   *
   * @default true
   */
  readonly performanceInsights?: boolean;
}

/**
 * Properties of an `EncryptionVerification`.
 */
export interface EncryptionVerificationProps {
  /** The key that must protect the resources. */
  readonly key: kms.IKey;
  /** The resources whose key binding is checked. */
  readonly resources: VerifiedResource[];
  /**
   * Require key rotation to be enabled. Turn off only for an imported key whose owner rotates it another way.
   *
   * @default true
   */
  readonly checkRotation?: boolean;
}

/**
 * Where the stack's verifier function runs: in a VPC of yours, for accounts whose AWS Control Tower controls (or
 * policies) require every Lambda function to be in a VPC (CT.LAMBDA.PR.3, `lambda_inside_vpc_check`).
 *
 * The verifier calls only AWS APIs, so the subnets must reach them privately or through a NAT gateway: interface VPC
 * endpoints (with private DNS) for `kms`, `events`, `scheduler`, `secretsmanager` and `rds` (those of the constructs you
 * verify), and S3 for the CloudFormation response (the handler answers with an HTTPS PUT to a pre-signed S3 URL; an S3
 * gateway endpoint suffices); `xray` too if you want its traces. Without a route, the checks time out and the
 * deployment fails after about three minutes.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/lambda-rules.html
 */
export interface EncryptionVerifierOptions {
  /** The VPC the verifier function runs in. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the function's network interfaces.
   *
   * @default - aws-cdk-lib's choice for a Lambda function: the VPC's private subnets with egress, else its isolated ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the function's network interfaces.
   *
   * @default - a new security group (child `SecurityGroup` of the verifier) that allows no inbound traffic and only
   * outbound HTTPS (TCP 443)
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * A custom resource that proves, at deploy time and against the live account, that a key protects the given
 * resources and round-trips data under the verifier's own encryption context.
 *
 * On create and update it checks: the key is enabled, customer managed, symmetric and rotating; a data key
 * generated under the verification context decrypts to the same bytes; the same ciphertext is rejected under
 * another context; and each resource names the key. Delete does nothing. All verifications in a stack share ONE
 * Lambda function, role and log group.
 */
export class EncryptionVerification extends Construct {
  /**
   * Puts the verifier function of the stack of `scope` in a VPC. The stack has one verifier, shared by every
   * construct in it, so this is a setting of the stack rather than of each construct: call it before the stack's first
   * encrypted construct (or `EncryptionVerification`). A nested stack has its own verifier, configured on its own.
   *
   * @example
   * import { EncryptionVerification } from 'cdk-encrypted-constructs';
   *
   * EncryptionVerification.configure(this, { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
   */
  public static configure(scope: IConstruct, options: EncryptionVerifierOptions): void {
    VerifierProvider.configure(scope, options);
  }

  /** The encryption context the verifier uses for this resource's round trip. */
  public readonly verificationContext: { [key: string]: string };
  /** The custom resource. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: EncryptionVerificationProps) {
    super(scope, id);
    guardStackQuotas(this);
    // JavaScript callers: a missing or null key or resources fails here, naming the prop, instead of as a TypeError below
    const v = new PropValidator(this);
    if (!v.props(props, {
      key: requiredObject('a kms.IKey', 'keyArn'),
      resources: {
        allowed: 'an array of VerifiedResource (VerifiedResource.schedule, eventBus, archive, connection or dbInstance)',
        is: value => Array.isArray(value) && value.every(r => r instanceof VerifiedResource),
      },
    })) v.throwIfInvalid();
    const provider = VerifierProvider.of(this);
    this.verificationContext = { [VERIFICATION_CONTEXT_KEY]: this.node.path };

    provider.allow(props.key, props.resources);
    addKeyStatements(this, props.key, [
      ...KeyPolicyStatements.verifier({ ...stackEnvironment(this), verifierRole: provider.role }),
      ...props.resources.filter(r => r.scheduleArn).map(r => KeyPolicyStatements.verifierScheduleRead({
        ...stackEnvironment(this), verifierRole: provider.role, scheduleArn: r.keyPolicyScheduleArn ?? r.scheduleArn!,
      })),
    ], 'the deploy-time encryption verifier');

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.function.functionArn,
      resourceType: 'Custom::EncryptionVerification',
      serviceTimeout: Duration.seconds(VerifierProvider.TIMEOUT_SECONDS + 60),
      properties: {
        KeyArn: props.key.keyArn,
        VerificationContext: this.verificationContext,
        CheckRotation: String(props.checkRotation ?? true),
        Resources: props.resources.map(r => r.descriptor),
      },
    });
    provider.waitFor(this.resource);
    for (const r of props.resources) {
      if (r.dependency) this.resource.node.addDependency(r.dependency);
    }
  }

  /** A short human report of the checks that passed (usable in outputs). */
  public get report(): string {
    return this.resource.getAttString('Report');
  }

  /** The number of checks that passed. */
  public get checksPassed(): Reference {
    return this.resource.getAtt('ChecksPassed');
  }
}

const CONCURRENCY_REASON = 'Reserving concurrency fails the deploy on accounts whose concurrency quota is below 100 plus the reservation (Lambda keeps 100 unreserved; new accounts start lower). '
  + 'The verifier runs only while CloudFormation creates or updates a verification, once per custom resource.';

/**
 * The ARN forms the verifier's IAM statements name (Service Authorization Reference resource types): a string of another
 * form would grant nothing, and the check would fail at deploy time with AccessDenied.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridgescheduler.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
 */
const SCHEDULE_ARN = /^arn:aws[a-z-]*:scheduler:[a-z0-9-]+:\d{12}:schedule\/[0-9A-Za-z._-]{1,64}\/[0-9A-Za-z._-]{1,64}$/;
const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[./\-_A-Za-z0-9]{1,256}$/;
const ARCHIVE_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:archive\/[.\-_A-Za-z0-9]{1,48}$/;
const CONNECTION_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:connection\/[.\-_A-Za-z0-9]{1,64}$/;
const DB_INSTANCE_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:db:[a-z][a-z0-9-]{0,62}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/**
 * The stack's single verifier: one function, one role, one log group (and one small key for its logs and
 * dead-letter queue), however many resources are verified. Its permissions live in customer managed policies,
 * chunked so that no policy nears IAM's 6,144-character limit.
 */
class VerifierProvider extends Construct {
  public static readonly ID = 'EncryptionVerifier';
  public static readonly TIMEOUT_SECONDS = 120;

  public static of(scope: IConstruct): VerifierProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(VerifierProvider.ID);
    return existing instanceof VerifierProvider ? existing : new VerifierProvider(stack, VerifierProvider.ID, VerifierProvider.options.get(stack));
  }

  /** Records the stack's verifier options; refuses once the verifier exists, or a second time. */
  public static configure(scope: IConstruct, options: EncryptionVerifierOptions): void {
    const stack = Stack.of(scope);
    const v = new PropValidator({ node: { path: `EncryptionVerification.configure(${stack.node.path})` } } as IConstruct);
    const existing = stack.node.tryFindChild(VerifierProvider.ID);
    v.check(existing === undefined, 'options', 'a call after the stack\'s verifier function was created',
      'call EncryptionVerification.configure before the stack\'s first encrypted construct (or EncryptionVerification)', false);
    v.check(!VerifierProvider.options.has(stack), 'options', 'a second call', 'the stack\'s verifier is configured once', false);
    v.throwIfInvalid();
    VerifierProvider.options.set(stack, options);
  }

  private static readonly options = new WeakMap<Stack, EncryptionVerifierOptions>();

  private static readonly RESOURCES_PER_POLICY = 12;
  /** What the statements of one verifier policy may take: IAM's 6,144 characters, less room for the `Version`. */
  private static readonly POLICY_CHARACTER_BUDGET = 6_000;

  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  private readonly policies: iam.ManagedPolicy[] = [];
  private resourcesInLastPolicy = 0;
  private readonly keys = new Set<kms.IKey>();
  private readonly waiting: IConstruct[] = [];

  private constructor(scope: Construct, id: string, network?: EncryptionVerifierOptions) {
    super(scope, id);
    // The stack's alarm and dead-letter key: one key fewer per stack than a key of the verifier's own.
    const key = SharedAlarmTopic.keyOf(this);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Deploy-time encryption verifier (cdk-encrypted-constructs): read-only checks and a round trip under its own encryption context',
    });
    // Named by its IAM path in the statements printed for keys this stack cannot edit (set only then).
    registerRolePath(this.role);
    const logGroupName = `/aws/lambda/${this.functionName()}`;
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName,
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: namedResourceRemovalPolicy(RemovalPolicy.RETAIN), // named: see namedResourceRemovalPolicy
    });
    addKeyStatements(this, key, [KeyPolicyStatements.logGroup({
      ...stackEnvironment(this),
      logGroupArn: logGroupArn(this, logGroupName),
    })], 'the verifier log group');

    const deadLetters = newDeadLetterQueue(this, 'DeadLetterQueue', { key, usedBy: 'the encryption verifier function' });
    addKeyStatements(this, key, [KeyPolicyStatements.queue({ ...stackEnvironment(this), principals: [this.role] })], 'the verifier dead-letter queue');

    const base = this.nextPolicy();
    base.addStatements(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.logGroupArn}`] }),
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetters.queueArn] }),
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this).region}.amazonaws.com` } },
      }),
      new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
    );
    const securityGroups = network ? this.allowNetworkInterfaces(base, network) : undefined;

    this.function = new HandlerFunction(this, 'Function', {
      functionName: this.functionName(),
      description: 'Verifies at deploy time that resources are encrypted with their customer managed KMS key',
      role: this.role.withoutPolicyUpdates(),
      memorySize: 256,
      timeout: Duration.seconds(VerifierProvider.TIMEOUT_SECONDS),
      // No reserved concurrency: Lambda keeps 100 executions unreserved, so an account whose concurrency quota is below
      // 100 + the reservation (new accounts start lower) would reject the function and fail every deploy.
      // https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      deadLetterQueue: deadLetters,
      vpc: network?.vpc,
      vpcSubnets: network?.vpcSubnets,
      securityGroups,
    });
    (this.function.node.defaultChild as lambda.CfnFunction).node.addDependency(base);
    acknowledgeEach(base, {
      'AwsSolutions-IAM5[Resource::*]': network
        ? 'X-Ray PutTraceSegments and PutTelemetryRecords, and EC2 DescribeNetworkInterfaces and DescribeSubnets (which Lambda needs to place the function in the VPC), support no resource-level permissions (AWS documents Resource "*").'
        : 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions (AWS documents Resource "*").',
    });
    const outsideVpc = 'The verifier only calls AWS APIs (KMS, Scheduler, EventBridge, Secrets Manager, RDS) and handles no customer data; a VPC would need an interface endpoint per service. '
      + 'EncryptionVerification.configure(stack, { vpc }) puts it in one.';
    acknowledgeEach(this.function, {
      ...(network ? {} : {
        'HIPAA.Security-LambdaInsideVPC': outsideVpc,
        'NIST.800.53.R5-LambdaInsideVPC': outsideVpc,
        'PCI.DSS.321-LambdaInsideVPC': outsideVpc,
        'lambda_inside_vpc_check': outsideVpc,
      }),
      'HIPAA.Security-LambdaConcurrency': CONCURRENCY_REASON,
      'NIST.800.53.R5-LambdaConcurrency': CONCURRENCY_REASON,
    });
  }

  /**
   * What Lambda needs to place the function in the VPC, in the verifier's own policy (the function is given its role
   * without policy updates, so aws-cdk-lib's `AWSLambdaVPCAccessExecutionRole` is not attached, and would be an AWS
   * managed policy on every resource): create, delete and re-address network interfaces of this account and region,
   * and describe them and the subnets (which support no resource-level permission). Returns the security groups.
   *
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
   */
  private allowNetworkInterfaces(policy: iam.ManagedPolicy, network: EncryptionVerifierOptions): ec2.ISecurityGroup[] {
    const ec2Arn = (resource: string) => formatArn(this, { service: 'ec2', resource, resourceName: '*' });
    const interfaces = ec2Arn('network-interface');
    policy.addStatements(
      new iam.PolicyStatement({ actions: ['ec2:CreateNetworkInterface'], resources: [interfaces, ec2Arn('subnet'), ec2Arn('security-group')] }),
      new iam.PolicyStatement({ actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], resources: [interfaces] }),
      new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }),
    );
    const reason = 'Lambda creates the function\'s network interfaces with the execution role when the function is created or updated, so their ids are not known '
      + 'before deploy; subnets and security groups are confined to this account and region.';
    acknowledgeEach(policy, Object.fromEntries(['network-interface', 'subnet', 'security-group'].map(resource => [
      `AwsSolutions-IAM5[Resource::${nagResourceText(this, ec2Arn(resource))}]`, reason,
    ])));
    if (network.securityGroups) return network.securityGroups;
    const group = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: network.vpc,
      description: 'Encryption verifier (cdk-encrypted-constructs): no inbound, outbound HTTPS to AWS APIs only',
      allowAllOutbound: false,
    });
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS API endpoints and the CloudFormation response URL');
    return [group];
  }

  /** Lets the verifier check these resources with this key (statements added once per key). */
  public allow(key: kms.IKey, resources: VerifiedResource[]): void {
    // The key's statements first, then each resource's, never more than RESOURCES_PER_POLICY resources per policy (IAM
    // accepts 6,144 characters per managed policy): a verification of many resources spreads over several policies.
    if (!this.keys.has(key)) {
      this.keys.add(key);
      this.addToPolicies(0, [
        new iam.PolicyStatement({ actions: ['kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'], resources: [key.keyArn] }),
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn], conditions: verifierContextConditions() }),
      ]);
    }
    for (const r of resources) {
      const statements = [...r.statements];
      if (r.scheduleArn) {
        statements.push(new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `scheduler.${stackEnvironment(this).region}.amazonaws.com`, 'kms:EncryptionContext:aws:scheduler:schedule:arn': r.scheduleArn } },
        }));
      }
      this.addToPolicies(1, statements);
    }
    if (resources.length === 0) this.addToPolicies(1, []);
  }

  /**
   * Adds statements to the last policy, or to a new one when they would take it past what IAM accepts (6,144
   * characters per managed policy; deploy-time values are counted at a likely size). `weight` is how many verified
   * resources the statements are for (at most RESOURCES_PER_POLICY per policy).
   */
  private addToPolicies(weight: number, statements: iam.PolicyStatement[]): void {
    const last = this.policies[this.policies.length - 1];
    const size = (document: iam.PolicyDocument) => policyCharacters(this, document);
    const full = weight > 0 && this.resourcesInLastPolicy >= VerifierProvider.RESOURCES_PER_POLICY;
    const wouldBe = size(new iam.PolicyDocument({ statements: [...last.document.toJSON()?.Statement?.map((j: any) => iam.PolicyStatement.fromJson(j)) ?? [], ...statements] }));
    if (full || (this.resourcesInLastPolicy + weight > 0 && wouldBe > VerifierProvider.POLICY_CHARACTER_BUDGET)) this.nextPolicy();
    this.resourcesInLastPolicy += weight;
    if (statements.length > 0) this.policies[this.policies.length - 1].addStatements(...statements);
  }


  /** Makes a custom resource wait until every verifier policy is attached. */
  public waitFor(resource: IConstruct): void {
    this.waiting.push(resource);
    for (const policy of this.policies) resource.node.addDependency(policy);
  }

  private nextPolicy(): iam.ManagedPolicy {
    const policy = new iam.ManagedPolicy(this, this.policies.length === 0 ? 'Policy' : `Policy${this.policies.length + 1}`, {
      roles: [this.role],
      description: 'Permissions of the deploy-time encryption verifier',
    });
    guardManagedPolicySize(policy, 'Verify fewer resources per stack (split the stack).');
    if (this.policies.length === 0) {
      guardManagedPoliciesPerRole(this.role, () => this.policies.length,
        `Each policy holds the verifier's permissions for ${VerifierProvider.RESOURCES_PER_POLICY} verified resources: split the stack, or turn verification off for some constructs (verifyEncryption: false).`);
    }
    this.policies.push(policy);
    this.resourcesInLastPolicy = 0;
    for (const resource of this.waiting) resource.node.addDependency(policy);
    return policy;
  }

  private functionName(): string {
    // Deterministic, so the log group (whose ARN the log key's policy names) can be created before the function.
    // A nested stack's name is only known at deploy time: fall back to a name derived from the construct path.
    const stackName = Stack.of(this).stackName;
    if (Token.isUnresolved(stackName)) return deterministicName(this, 64);
    const base = `${stackName}-encryption-verifier`;
    return base.length <= 64 ? base : `${base.slice(0, 55)}-${shortHash(base).toLowerCase()}`;
  }

}
