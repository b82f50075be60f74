/**
 * The access-path proof: synthesize, model the deployed world, derive every access path from the catalogs, and
 * evaluate each against the synthesized policies.
 */
import { App, Stack } from 'aws-cdk-lib';
import { alertsCatalog } from './catalog/alerts';
import { auditTrailCatalog } from './catalog/audit-trail';
import { busLoggingCatalog } from './catalog/bus-logging';
import { connectionCatalog } from './catalog/connection';
import { eventBusCatalog } from './catalog/event-bus';
import { keyCatalog } from './catalog/key';
import { producersCatalog } from './catalog/producers';
import { rdsCatalog } from './catalog/rds';
import { ruleTargetsCatalog } from './catalog/rule-targets';
import { schedulerCatalog } from './catalog/scheduler';
import { AccessPath, Catalog, Principals } from './catalog/types';
import { prepareVerifierCalls, verifierCatalog } from './catalog/verifier';
import { Call, Decision, evaluate, externalRole, serviceCaller, awsManagedPolicy } from './evaluator';
import { DeployedWorld, DeployTarget } from './world';

/** Every catalog, one per service. */
export const CATALOGS: Record<string, Catalog> = {
  scheduler: schedulerCatalog,
  connection: connectionCatalog,
  eventBus: eventBusCatalog,
  rds: rdsCatalog,
  auditTrail: auditTrailCatalog,
  alerts: alertsCatalog,
  key: keyCatalog,
  verifier: verifierCatalog,
  ruleTargets: ruleTargetsCatalog,
  producers: producersCatalog,
  busLogging: busLoggingCatalog,
};

/** Where the fixtures deploy when their stack has no explicit environment. */
export const DEFAULT_TARGET: DeployTarget = { account: '111122223333', region: 'eu-west-1', partition: 'aws' };

/** The principals that are not resources of the templates. */
export function principalsFor(target: DeployTarget): Principals {
  const admin = awsManagedPolicy(`arn:${target.partition}:iam::aws:policy/AdministratorAccess`);
  return {
    // CDK bootstrap: "CloudFormationExecutionPolicies ... default: AdministratorAccess".
    deployer: externalRole('the CloudFormation deployment role', `arn:${target.partition}:iam::${target.account}:role/cdk-hnb659fds-cfn-exec-role-${target.account}-${target.region}`, [admin]),
    otherAdmin: externalRole('an administrator role of the account', `arn:${target.partition}:iam::${target.account}:role/SomeAdministrator`, [admin]),
    outsider: externalRole('an administrator role of another account', `arn:${target.partition}:iam::999988887777:role/Stranger`, [admin]),
    service: (servicePrincipal: string) => serviceCaller(servicePrincipal, target.account),
  };
}

/** The deployed world of every stack of an app (synthesized here). */
export function worldOf(app: App, target: DeployTarget = DEFAULT_TARGET): DeployedWorld {
  const assembly = app.synth();
  return new DeployedWorld(target, assembly.stacks.map(s => ({
    stackName: s.stackName,
    template: s.template,
    account: s.environment.account,
    region: s.environment.region,
  })));
}

/** The world of one stack's app. */
export function worldOfStack(stack: Stack, target: DeployTarget = DEFAULT_TARGET): DeployedWorld {
  return worldOf(stack.node.root as App, target);
}

/** Every access path of the world, from every catalog. */
export function accessPaths(world: DeployedWorld, catalogs: Catalog[] = Object.values(CATALOGS)): AccessPath[] {
  const principals = principalsFor(world.target);
  return catalogs.flatMap(c => c(world, principals));
}

/** The outcome of one path: each variant of its uncertain context keys, and whether all met the expectation. */
export interface PathResult {
  readonly path: AccessPath;
  readonly ok: boolean;
  readonly variants: Array<{ readonly context: Record<string, string | string[]>; readonly decision: Decision; readonly explanation: string }>;
}

/** Every combination of the path's context with its uncertain keys present or absent. */
export function contextVariants(path: AccessPath): Array<Record<string, string | string[]>> {
  const base = path.call.context ?? {};
  const uncertain = (path.uncertain ?? []).filter(k => k in base);
  // Every subset of the uncertain keys is left out once: 2^n variants.
  let variants: Array<Record<string, string | string[]>> = [{ ...base }];
  for (const key of uncertain) {
    variants = variants.flatMap(context => {
      const { [key]: _dropped, ...without } = context;
      return [context, without];
    });
  }
  return variants;
}

/** Evaluates one path in every variant. */
export async function evaluatePath(world: DeployedWorld, path: AccessPath): Promise<PathResult> {
  const variants = [];
  for (const context of contextVariants(path)) {
    const call: Call = { ...path.call, context };
    const { decision, explanation } = await evaluate(world, call);
    variants.push({ context, decision, explanation });
  }
  const ok = variants.every(v => (path.expect === 'Allowed' ? v.decision === 'Allowed' : v.decision !== 'Allowed'));
  return { path, ok, variants };
}

/** Evaluates every path; returns all results. */
export async function prove(world: DeployedWorld, catalogs?: Catalog[], only: (path: AccessPath) => boolean = () => true): Promise<PathResult[]> {
  await prepareVerifierCalls(world);
  const results: PathResult[] = [];
  for (const path of accessPaths(world, catalogs).filter(only)) results.push(await evaluatePath(world, path));
  return results;
}

/** A readable account of the failed paths, for a test's failure message. */
export function describeFailures(results: PathResult[]): string {
  return results.filter(r => !r.ok).map(r => {
    const bad = r.variants.filter(v => (r.path.expect === 'Allowed' ? v.decision !== 'Allowed' : v.decision === 'Allowed'));
    return [
      `✗ ${r.path.subject}: ${r.path.description}`,
      `  ${r.path.call.caller.label} → ${r.path.call.action} on ${r.path.call.resource}: expected ${r.path.expect}`,
      ...bad.map(v => `  got ${v.decision} with context ${JSON.stringify(v.context)} (${v.explanation})`),
      `  doc: ${r.path.doc.url}`,
    ].join('\n');
  }).join('\n');
}

/** Counts per subject type, for the table of docs/access-paths.md. */
export function tally(results: PathResult[]): { evaluated: number; allowed: number; denied: number; failed: number } {
  return {
    evaluated: results.length,
    allowed: results.filter(r => r.path.expect === 'Allowed' && r.ok).length,
    denied: results.filter(r => r.path.expect === 'Denied' && r.ok).length,
    failed: results.filter(r => !r.ok).length,
  };
}
