/**
 * Evaluates one AWS call against the policies of the deployed world with @cloud-copilot/iam-simulate (a devDependency
 * of these tests only: AGPL-3.0, never shipped, never imported from src/).
 *
 * The caller's identity policies (inline, customer managed, AWS managed from checked-in fixtures), the resource's
 * policy (key, topic, queue, bucket, role trust, function policy) and the request context (what the catalog says the
 * service sends, plus what AWS always adds for the caller) go in; the decision comes out. Any context key the
 * simulator does not recognise for the action fails the evaluation: it would otherwise be dropped silently.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { DeployedResource, DeployedWorld } from './world';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isMended } = require('../../scripts/mend-iam-simulate.js');

/** A policy document with a name for the report. */
export interface NamedPolicy {
  readonly name: string;
  readonly document: any;
}

/** Who makes a call. */
export interface Caller {
  /** How the report names the caller, e.g. `execution role of Nightly`. */
  readonly label: string;
  /** A role ARN, or a service principal such as `events.amazonaws.com`. */
  readonly principal: string;
  /** `role` (an IAM role session), `service` (an AWS service principal). */
  readonly kind: 'role' | 'service';
  /** The account the caller belongs to (for service principals: the account the service acts for). */
  readonly account: string;
  readonly identityPolicies: NamedPolicy[];
}

/** The decision AWS would make. */
export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** One call to evaluate. */
export interface Call {
  readonly caller: Caller;
  readonly action: string;
  /** The resource ARN in the form IAM authorizes against (Service Authorization Reference), or `*`. */
  readonly resource: string;
  /** Request context the service sends (`kms:ViaService`, `kms:EncryptionContext:<k>`, `aws:SourceArn`, ...). */
  readonly context?: Record<string, string | string[]>;
}

const FIXTURES = path.join(__dirname, 'fixtures', 'aws-managed-policies');

/** The AWS managed policy with this ARN, from the checked-in fixtures (copied from the AWS Managed Policy Reference). */
export function awsManagedPolicy(policyArn: string): NamedPolicy {
  const name = policyArn.replace(/^arn:[^:]+:iam::aws:policy\//, '').replace(/\//g, '_');
  const file = path.join(FIXTURES, `${name}.json`);
  if (!fs.existsSync(file)) {
    throw new Error(`no fixture for the AWS managed policy ${policyArn}: add ${path.relative(process.cwd(), file)} from the AWS Managed Policy Reference`);
  }
  const fixture = JSON.parse(fs.readFileSync(file, 'utf8'));
  return { name: `AWS managed ${name}`, document: fixture.PolicyDocument };
}

/** Every identity policy of a role in the world: inline, AWS::IAM::Policy, customer managed, AWS managed. */
export function identityPoliciesOf(world: DeployedWorld, role: DeployedResource): NamedPolicy[] {
  const props = world.properties(role);
  const roleName = world.ref(role);
  const policies: NamedPolicy[] = (props.Policies ?? []).map((p: any) => ({ name: `${role.logicalId} inline ${p.PolicyName}`, document: p.PolicyDocument }));
  for (const policy of world.ofType('AWS::IAM::Policy')) {
    const p = world.properties(policy);
    if ((p.Roles ?? []).includes(roleName)) policies.push({ name: policy.logicalId, document: p.PolicyDocument });
  }
  const attached = new Set<string>(props.ManagedPolicyArns ?? []);
  for (const policy of world.ofType('AWS::IAM::ManagedPolicy')) {
    const p = world.properties(policy);
    const arn = world.ref(policy);
    if ((p.Roles ?? []).includes(roleName) || attached.has(arn)) {
      policies.push({ name: policy.logicalId, document: p.PolicyDocument });
      attached.delete(arn);
    }
  }
  for (const arn of attached) {
    if (!/^arn:[^:]+:iam::aws:policy\//.test(arn)) throw new Error(`${role.logicalId} attaches ${arn}, which is neither in the world nor AWS managed`);
    policies.push(awsManagedPolicy(arn));
  }
  return policies;
}

/** The caller for a role of the world. */
export function roleCaller(world: DeployedWorld, role: DeployedResource, label: string): Caller {
  return { label, principal: world.attribute(role, 'Arn'), kind: 'role', account: role.account, identityPolicies: identityPoliciesOf(world, role) };
}

/** The caller for an AWS service principal acting for an account. */
export function serviceCaller(servicePrincipal: string, account: string): Caller {
  return { label: servicePrincipal, principal: servicePrincipal, kind: 'service', account, identityPolicies: [] };
}

/** A role that is not in the world (a deployment role, a service-linked role, a stranger), with the given policies. */
export function externalRole(label: string, roleArn: string, identityPolicies: NamedPolicy[]): Caller {
  return { label, principal: roleArn, kind: 'role', account: roleArn.split(':')[4], identityPolicies };
}

/**
 * The default access policy of an SNS topic that has no AWS::SNS::TopicPolicy: the owner account may publish.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
 */
function defaultTopicPolicy(topicArn: string, account: string): any {
  return {
    Version: '2008-10-17',
    Statement: [{
      Sid: '__default_statement_ID',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
      Resource: topicArn,
      Condition: { StringEquals: { 'AWS:SourceOwner': account } },
    }],
  };
}

/**
 * The resource-based policy AWS evaluates for a call on this ARN, if the resource type has one. Two policies on one
 * topic or queue are an error: each replaces the other, so whichever deploys last wins.
 */
export function resourcePolicyFor(world: DeployedWorld, action: string, resourceArn: string): any | undefined {
  const service = action.split(':')[0];
  const only = (found: any[], what: string) => {
    if (found.length > 1) throw new Error(`${found.length} ${what} policies apply to ${resourceArn}: each replaces the other on deploy`);
    return found[0];
  };
  switch (service) {
    case 'kms': {
      const key = world.ofType('AWS::KMS::Key').find(k => world.attribute(k, 'Arn') === resourceArn);
      return key ? world.properties(key).KeyPolicy : undefined;
    }
    case 'sns': {
      const topic = world.ofType('AWS::SNS::Topic').find(t => world.ref(t) === resourceArn);
      if (!topic) return undefined;
      const policies = world.ofType('AWS::SNS::TopicPolicy').map(p => world.properties(p)).filter(p => p.Topics.includes(resourceArn));
      return policies.length === 0 ? defaultTopicPolicy(resourceArn, topic.account) : only(policies, 'topic').PolicyDocument;
    }
    case 'sqs': {
      const queue = world.ofType('AWS::SQS::Queue').find(q => world.attribute(q, 'Arn') === resourceArn);
      if (!queue) return undefined;
      const url = world.ref(queue);
      return only(world.ofType('AWS::SQS::QueuePolicy').map(p => world.properties(p)).filter(p => p.Queues.includes(url)), 'queue')?.PolicyDocument;
    }
    case 's3': {
      const bucketName = resourceArn.split(':::')[1]?.split('/')[0];
      return only(world.ofType('AWS::S3::BucketPolicy').map(p => world.properties(p)).filter(p => p.Bucket === bucketName), 'bucket')?.PolicyDocument;
    }
    case 'logs': {
      // A log group's own resource policy (AWS::Logs::LogGroup ResourcePolicyDocument) applies to the group and its
      // streams: arn:<p>:logs:<r>:<a>:log-group:<name>[:log-stream:<stream>]. (An account-level AWS::Logs::ResourcePolicy
      // is not modelled: the world refuses templates holding one.)
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html#cfn-logs-loggroup-resourcepolicydocument
      const group = world.ofType('AWS::Logs::LogGroup').find(g => {
        const groupArn = world.attribute(g, 'Arn').replace(/:\*$/, '');
        return resourceArn === groupArn || resourceArn.startsWith(`${groupArn}:log-stream:`) || resourceArn === `${groupArn}:*`;
      });
      return group ? world.properties(group).ResourcePolicyDocument : undefined;
    }
    case 'sts': {
      const role = world.ofType('AWS::IAM::Role').find(r => world.attribute(r, 'Arn') === resourceArn);
      return role ? world.properties(role).AssumeRolePolicyDocument : undefined;
    }
    case 'lambda': {
      const fn = world.ofType('AWS::Lambda::Function').find(f => world.attribute(f, 'Arn') === resourceArn);
      if (!fn) return undefined;
      const statements = world.ofType('AWS::Lambda::Permission').map(p => world.properties(p))
        .filter(p => p.FunctionName === world.ref(fn) || p.FunctionName === resourceArn)
        .map(p => ({
          Effect: 'Allow',
          Principal: p.Principal.includes('.amazonaws.com') ? { Service: p.Principal } : { AWS: p.Principal },
          Action: p.Action,
          Resource: resourceArn,
          ...(p.SourceArn || p.SourceAccount ? {
            Condition: {
              ...(p.SourceArn ? { ArnLike: { 'AWS:SourceArn': p.SourceArn } } : {}),
              ...(p.SourceAccount ? { StringEquals: { 'AWS:SourceAccount': p.SourceAccount } } : {}),
            },
          } : {}),
        }));
      return statements.length > 0 ? { Version: '2012-10-17', Statement: statements } : undefined;
    }
    case 'events':
      return eventBusPolicyFor(world, resourceArn);
    default:
      return undefined;
  }
}

/**
 * The resource policy of an event bus of the world: the statements of every `AWS::Events::EventBusPolicy` naming the
 * bus (by name; none names the default bus) and the bus's own `Policy`. Each policy resource adds one statement under
 * its `StatementId` (PutPermission), in the `Statement` form or the older `Action`/`Principal`/`Condition` form, which
 * grants an account id (its root) or, with `*`, whoever the condition admits. Two statements with one id on a bus, or
 * policy resources next to the bus's own `Policy` (which sets the whole policy), are an error: each replaces the other.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbuspolicy.html
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html
 */
function eventBusPolicyFor(world: DeployedWorld, resourceArn: string): any | undefined {
  const bus = world.ofType('AWS::Events::EventBus').find(b => world.attribute(b, 'Arn') === resourceArn);
  if (!bus) return undefined;
  const name = world.nameOf(bus);
  const own = world.properties(bus).Policy;
  const added = world.ofType('AWS::Events::EventBusPolicy').map(p => world.properties(p)).filter(p => (p.EventBusName ?? 'default') === name);
  if (own !== undefined && added.length > 0) {
    throw new Error(`${resourceArn} has a Policy of its own and ${added.length} AWS::Events::EventBusPolicy: each replaces the other on deploy`);
  }
  if (own !== undefined) return typeof own === 'string' ? JSON.parse(own) : own;
  const ids = added.map(p => p.StatementId);
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (repeated.length > 0) throw new Error(`the statement ids ${repeated.join(', ')} are written twice on ${resourceArn}: each replaces the other on deploy`);
  const statements = added.map(p => {
    if (p.Statement !== undefined) return { ...(typeof p.Statement === 'string' ? JSON.parse(p.Statement) : p.Statement), Sid: p.StatementId };
    return {
      Sid: p.StatementId,
      Effect: 'Allow',
      Principal: p.Principal === '*' ? '*' : { AWS: `arn:${bus.partition}:iam::${p.Principal}:root` },
      Action: p.Action,
      Resource: resourceArn,
      ...(p.Condition ? { Condition: { [p.Condition.Type]: { [p.Condition.Key]: p.Condition.Value } } } : {}),
    };
  });
  return statements.length > 0 ? { Version: '2012-10-17', Statement: statements } : undefined;
}

/** The context AWS adds by itself for this caller and resource. */
function implicitContext(world: DeployedWorld, call: Call): Record<string, string | string[]> {
  const resourceAccount = call.resource.split(':')[4];
  const context: Record<string, string | string[]> = { 'aws:SecureTransport': 'true' };
  if (resourceAccount) context['aws:ResourceAccount'] = resourceAccount;
  if (call.caller.kind === 'role') {
    context['aws:PrincipalArn'] = call.caller.principal;
    context['aws:PrincipalAccount'] = call.caller.account;
    context['aws:PrincipalIsAWSService'] = 'false';
    context['aws:PrincipalType'] = 'AssumedRole';
    if (call.action.startsWith('kms:')) context['kms:CallerAccount'] = call.caller.account;
  } else {
    context['aws:PrincipalIsAWSService'] = 'true';
    context['aws:PrincipalServiceName'] = call.caller.principal;
  }
  if (call.action.startsWith('kms:')) {
    const key = world.ofType('AWS::KMS::Key').find(k => world.attribute(k, 'Arn') === call.resource);
    if (key) {
      for (const [tagKey, tagValue] of Object.entries(world.tags(key))) context[`aws:ResourceTag/${tagKey}`] = tagValue;
    }
    const contextKeys = Object.keys(call.context ?? {}).filter(k => k.startsWith('kms:EncryptionContext:')).map(k => k.slice('kms:EncryptionContext:'.length));
    if (contextKeys.length > 0) context['kms:EncryptionContextKeys'] = contextKeys;
  }
  return context;
}

/** The outcome of one evaluation. */
export interface Evaluation {
  readonly decision: Decision;
  /** The statements that decided, for the failure message. */
  readonly explanation: string;
}

/** Evaluates one call. Throws when the simulator rejects the request (unknown action, ARN of the wrong type, ...). */
export async function evaluate(world: DeployedWorld, call: Call): Promise<Evaluation> {
  if (!isMended()) {
    throw new Error('@cloud-copilot/iam-simulate is not mended: run `node scripts/mend-iam-simulate.js` (npm ci runs it as postinstall)');
  }
  const resourcePolicy = resourcePolicyFor(world, call.action, call.resource);
  const contextVariables = { ...implicitContext(world, call), ...call.context };
  const resourceAccount = call.resource === '*' ? call.caller.account : (call.resource.split(':')[4] || call.caller.account);
  const response = await runSimulation({
    identityPolicies: call.caller.identityPolicies.map(p => ({ name: p.name, policy: p.document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
    request: {
      action: call.action,
      principal: call.caller.principal,
      resource: { resource: call.resource, accountId: resourceAccount },
      contextVariables,
    },
  }, {});
  if (response.resultType === 'error') {
    throw new Error(`the simulator rejected ${call.action} on ${call.resource} by ${call.caller.label}: ${JSON.stringify(response.errors)}`);
  }
  if (response.resultType !== 'single') throw new Error(`unexpected wildcard simulation for ${call.resource}`);
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) {
    throw new Error(`the simulator ignored the context keys ${ignored.join(', ')} of ${call.action}: they would be evaluated as missing`);
  }
  const analysis: any = response.result.analysis;
  const pick = (part: any, kind: string) => [...(part?.allowStatements ?? []), ...(part?.denyStatements ?? [])]
    .map((s: any) => `${kind} ${s.explain?.effect ?? ''} ${s.statement?.Sid ?? s.explain?.identifier ?? ''}`.trim());
  const deciding = [
    ...pick(analysis.identityAnalysis, 'identity'),
    ...pick(analysis.resourceAnalysis, 'resource'),
  ];
  return { decision: response.overallResult as Decision, explanation: deciding.length > 0 ? deciding.join('; ') : 'no statement applies' };
}
