import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';

/** Properties of a {@link ScheduleExecutionRole}. */
export interface ScheduleExecutionRoleProps extends iam.RoleProps {
  /** The customer managed policy that receives every statement granted to the role. */
  readonly policy: iam.ManagedPolicy;
}

/**
 * A schedule's execution role whose grants land in one customer managed policy, never in an inline `DefaultPolicy`
 * (the HIPAA, NIST and PCI packs flag every inline policy).
 *
 * While a target binds (see {@link collect}), the statements it grants are held back so the construct can confine
 * them first (see {@link confineTargetStatements}); afterwards grants go straight to the policy.
 */
export class ScheduleExecutionRole extends iam.Role {
  private readonly policy: iam.ManagedPolicy;
  private held?: iam.PolicyStatement[];

  constructor(scope: Construct, id: string, props: ScheduleExecutionRoleProps) {
    const { policy, ...roleProps } = props;
    super(scope, id, roleProps);
    this.policy = policy;
    policy.attachToRole(this);
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (this.held) {
      this.held.push(statement);
    } else {
      this.policy.addStatements(statement);
    }
    return { statementAdded: true, policyDependable: this.policy };
  }

  /** Runs `bind` and returns the statements granted to the role meanwhile, instead of adding them to the policy. */
  public collect(bind: () => void): iam.PolicyStatement[] {
    const held: iam.PolicyStatement[] = [];
    this.held = held;
    try {
      bind();
    } finally {
      this.held = undefined;
    }
    return held;
  }
}

/**
 * A target of `aws-scheduler-targets` that will invoke through `role` instead of the stack-level role it would create
 * (with an inline `DefaultPolicy`). Its own dead-letter queue is left out: the construct wires the dead-letter queue.
 *
 * Returns undefined when the target cannot be redirected: a custom `IScheduleTarget`, or a target given its own role
 * (the user's explicit choice, kept).
 *
 * Relies on `ScheduleTargetBase` keeping its props in the field `baseProps` (aws-cdk-lib 2.261): the returned object
 * inherits everything else from the target through its prototype.
 */
export function targetWithRole(target: scheduler.IScheduleTarget, role: iam.IRole): scheduler.IScheduleTarget | undefined {
  const base = redirectableProps(target);
  if (!base) return undefined;
  return Object.create(target, { baseProps: { value: { ...base, role, deadLetterQueue: undefined } } });
}

/** The target's base props when it is an `aws-scheduler-targets` target without a role of its own. */
export function redirectableProps(target: scheduler.IScheduleTarget): targets.ScheduleTargetBaseProps | undefined {
  if (!(target instanceof targets.ScheduleTargetBase)) return undefined;
  const base: unknown = (target as unknown as { baseProps?: unknown }).baseProps;
  if (typeof base !== 'object' || base === null) return undefined;
  const props = base as targets.ScheduleTargetBaseProps;
  return props.role ? undefined : props;
}

/**
 * Narrows the statements a target granted to the execution role, keeping what the target needs:
 *
 * - key usage (`kms:*` actions without conditions, e.g. on an encrypted target queue, topic or stream) is confined
 *   with `kms:ViaService` to the services of the target's own actions (`sqs:SendMessage` -> `sqs.<region>.amazonaws.com`),
 *   and `kms:GenerateDataKey*` becomes `kms:GenerateDataKey`, the only variant those services call;
 * - the qualifier wildcard `<target ARN>:*` (aws-cdk-lib's `grantInvoke` adds it for Lambda versions and aliases) is
 *   dropped when the statement also names the target ARN: the schedule invokes exactly that ARN.
 *
 * Statements that already carry conditions, and Deny statements, are kept as they are.
 */
export function confineTargetStatements(scope: Construct, statements: iam.PolicyStatement[], targetArn: string): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const region = stack.region;
  const services = [...new Set(statements.flatMap(s => s.actions).filter(a => !isKmsAction(a)).map(a => a.split(':')[0]))].sort();
  const viaServices = services.map(service => `${service}.${region}.amazonaws.com`);
  const key = (value: unknown) => JSON.stringify(stack.resolve(value));
  const target = key(targetArn);
  const qualified = key(`${targetArn}:*`);

  const confined: iam.PolicyStatement[] = [];
  for (const statement of statements) {
    if (statement.effect !== iam.Effect.ALLOW) {
      confined.push(statement);
      continue;
    }
    let resources = statement.resources;
    if (resources.some(r => key(r) === target)) resources = resources.filter(r => key(r) !== qualified);

    const kmsActions = statement.actions.filter(isKmsAction);
    const unconditioned = Object.keys(statement.conditions).length === 0;
    if (kmsActions.length === 0 || !unconditioned || viaServices.length === 0) {
      confined.push(statement.copy({ resources }));
      continue;
    }
    const otherActions = statement.actions.filter(a => !isKmsAction(a));
    if (otherActions.length > 0) confined.push(statement.copy({ actions: otherActions, resources }));
    confined.push(statement.copy({
      actions: [...new Set(kmsActions.map(a => (a === 'kms:GenerateDataKey*' ? 'kms:GenerateDataKey' : a)))],
      resources,
      conditions: { StringEquals: { 'kms:ViaService': viaServices.length === 1 ? viaServices[0] : viaServices } },
    }));
  }
  return confined;
}

function isKmsAction(action: string): boolean {
  return action.toLowerCase().startsWith('kms:');
}
