import * as path from 'path';
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { VerifiedResource } from './verified-resource';
import { acknowledgeEach, nagResourceText } from '../internal/acknowledgements';
import { formatArn, shortHash, stackEnvironment } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { namedResourceRemovalPolicy } from '../internal/removal-policies';
import { PropValidator } from '../internal/validation';
import { verifierContextConditions } from '../key/conditions';
import { addKeyStatements, registerRolePath } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { guardManagedPoliciesPerRole, guardManagedPolicySize, policyCharacters } from '../quotas/quota-guards';
import { newestNodeRuntime } from '../services/lambda/runtimes';
import { logGroupArn } from '../services/logs/arns';
import { SharedAlarmTopic } from '../stack/alarm-topic';
import { newDeadLetterQueue } from '../stack/dead-letter-queue';

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

const CONCURRENCY_REASON = 'Reserving concurrency fails the deploy on accounts whose concurrency quota is below 100 plus the reservation (Lambda keeps 100 unreserved; new accounts start lower). '
  + 'The verifier runs only while CloudFormation creates or updates a verification, once per custom resource.';

/**
 * The stack's single verifier: one function, one role, one log group (and one small key for its logs and
 * dead-letter queue), however many resources are verified. Its permissions live in customer managed policies,
 * chunked so that no policy nears IAM's 6,144-character limit.
 */
export class VerifierProvider extends Construct {
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

    this.function = new lambda.Function(this, 'Function', {
      // The newest Node.js runtime the installed aws-cdk-lib knows (cdk-nag's AwsSolutions-L1), running the bundle
      // in assets/ (esbuild, targeting the oldest of them: src/services/lambda/runtimes.ts).
      runtime: newestNodeRuntime(),
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'verifier', 'handler.lambda')),
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
