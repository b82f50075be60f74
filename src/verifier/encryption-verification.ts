import { CustomResource, Duration, Reference, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { HandlerFunction } from './handler-function';
import { VERIFICATION_CONTEXT_KEY, verifierContextConditions } from '../key/conditions';
import { EncryptionKey } from '../key/encryption-key';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { acknowledgeDeadLetterQueue, acknowledgeEach } from '../private/acknowledgements';
import { logGroupArn, shortHash, stackEnvironment } from '../private/arns';
import { deterministicName } from '../private/names';

/**
 * A resource whose key binding the verifier checks, and what the verifier may call to check it.
 *
 * Build one with the static methods; each names the exact read-only API call and the ARN it is allowed on.
 */
export class VerifiedResource {
  /** An EventBridge Scheduler schedule: `GetSchedule` must return `KmsKeyArn` = the key. */
  public static schedule(scheduleName: string, groupName: string, scheduleArn: string, dependency?: IConstruct): VerifiedResource {
    return new VerifiedResource(
      { Type: 'AWS::Scheduler::Schedule', Name: scheduleName, GroupName: groupName },
      [new iam.PolicyStatement({ actions: ['scheduler:GetSchedule'], resources: [scheduleArn] })],
      dependency,
      scheduleArn,
    );
  }

  /** An EventBridge event bus: `DescribeEventBus` must return `KmsKeyIdentifier` = the key. */
  public static eventBus(eventBusName: string, eventBusArn: string, dependency?: IConstruct): VerifiedResource {
    return new VerifiedResource(
      { Type: 'AWS::Events::EventBus', Name: eventBusName },
      [new iam.PolicyStatement({ actions: ['events:DescribeEventBus'], resources: [eventBusArn] })],
      dependency,
    );
  }

  /** An EventBridge archive: `DescribeArchive` must return `KmsKeyIdentifier` = the key. */
  public static archive(archiveName: string, archiveArn: string, dependency?: IConstruct): VerifiedResource {
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
 * Properties of an {@link EncryptionVerification}.
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
 * A custom resource that proves, at deploy time and against the live account, that a key protects the given
 * resources and round-trips data under the verifier's own encryption context.
 *
 * On create and update it checks: the key is enabled, customer managed, symmetric and rotating; a data key
 * generated under the verification context decrypts to the same bytes; the same ciphertext is rejected under
 * another context; and each resource names the key. Delete does nothing. All verifications in a stack share ONE
 * Lambda function, role and log group.
 */
export class EncryptionVerification extends Construct {
  /** The encryption context the verifier uses for this resource's round trip. */
  public readonly verificationContext: { [key: string]: string };
  /** The custom resource. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: EncryptionVerificationProps) {
    super(scope, id);
    const provider = VerifierProvider.of(this);
    this.verificationContext = { [VERIFICATION_CONTEXT_KEY]: this.node.path };

    provider.allow(props.key, props.resources);
    addKeyStatements(this, props.key, [
      ...KeyPolicyStatements.verifier({ ...stackEnvironment(this), verifierRole: provider.role }),
      ...props.resources.filter(r => r.scheduleArn).map(r => KeyPolicyStatements.verifierScheduleRead({
        ...stackEnvironment(this), verifierRole: provider.role, scheduleArn: r.scheduleArn!,
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
    return existing instanceof VerifierProvider ? existing : new VerifierProvider(stack, VerifierProvider.ID);
  }

  private static readonly RESOURCES_PER_POLICY = 12;

  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  private readonly policies: iam.ManagedPolicy[] = [];
  private resourcesInLastPolicy = 0;
  private readonly keys = new Set<kms.IKey>();
  private readonly waiting: IConstruct[] = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const key = new EncryptionKey(this, 'Key', { protects: 'the encryption verifier logs and dead-letter queue' });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Deploy-time encryption verifier (cdk-encrypted-constructs): read-only checks and a round trip under its own encryption context',
    });
    const logGroupName = `/aws/lambda/${this.functionName()}`;
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName,
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    addKeyStatements(this, key, [KeyPolicyStatements.logGroup({
      ...stackEnvironment(this),
      logGroupArn: logGroupArn(this, logGroupName),
    })], 'the verifier log group');

    const deadLetters = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeDeadLetterQueue(deadLetters, 'the encryption verifier function');
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
    });
    (this.function.node.defaultChild as lambda.CfnFunction).node.addDependency(base);
    acknowledgeEach(base, {
      'AwsSolutions-IAM5[Resource::*]': 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions (AWS documents Resource "*").',
    });
    acknowledgeEach(this.function, {
      'HIPAA.Security-LambdaInsideVPC': 'The verifier only calls AWS APIs (KMS, Scheduler, EventBridge, Secrets Manager, RDS) and handles no customer data; a VPC would need an interface endpoint per service.',
      'NIST.800.53.R5-LambdaInsideVPC': 'The verifier only calls AWS APIs (KMS, Scheduler, EventBridge, Secrets Manager, RDS) and handles no customer data; a VPC would need an interface endpoint per service.',
      'PCI.DSS.321-LambdaInsideVPC': 'The verifier only calls AWS APIs (KMS, Scheduler, EventBridge, Secrets Manager, RDS) and handles no customer data; a VPC would need an interface endpoint per service.',
      'lambda_inside_vpc_check': 'The verifier only calls AWS APIs (KMS, Scheduler, EventBridge, Secrets Manager, RDS) and handles no customer data; a VPC would need an interface endpoint per service.',
      'HIPAA.Security-LambdaConcurrency': CONCURRENCY_REASON,
      'NIST.800.53.R5-LambdaConcurrency': CONCURRENCY_REASON,
    });
  }

  /** Lets the verifier check these resources with this key (statements added once per key). */
  public allow(key: kms.IKey, resources: VerifiedResource[]): void {
    const statements: iam.PolicyStatement[] = [];
    if (!this.keys.has(key)) {
      this.keys.add(key);
      statements.push(
        new iam.PolicyStatement({ actions: ['kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'], resources: [key.keyArn] }),
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn], conditions: verifierContextConditions() }),
      );
    }
    for (const r of resources) {
      statements.push(...r.statements);
      if (r.scheduleArn) {
        statements.push(new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `scheduler.${stackEnvironment(this).region}.amazonaws.com`, 'kms:EncryptionContext:aws:scheduler:schedule:arn': r.scheduleArn } },
        }));
      }
    }
    if (this.resourcesInLastPolicy >= VerifierProvider.RESOURCES_PER_POLICY) this.nextPolicy();
    this.resourcesInLastPolicy += Math.max(1, resources.length);
    this.policies[this.policies.length - 1].addStatements(...statements);
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
