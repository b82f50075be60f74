import { Call, Caller } from '../evaluator';
import { DeployedResource, DeployedWorld } from '../world';

/** The AWS documentation a path rests on. */
export interface DocRef {
  readonly url: string;
  /** A short quote of what the page says (or `docs are silent: ...` when they are). */
  readonly quote: string;
}

/** When the call happens. */
export type Phase = 'deploy' | 'runtime' | 'alert' | 'verifier' | 'negative';

/**
 * One AWS call the deployed stack will see (or must refuse): who calls, what, on which resource, with which request
 * context, what AWS must decide, and the doc it rests on.
 */
export interface AccessPath {
  /** What the path is, as a sentence: `the execution role decrypts the schedule payload when it fires`. */
  readonly description: string;
  /** The resource the path belongs to, for the report: `AWS::Scheduler::Schedule Nightly`. */
  readonly subject: string;
  readonly phase: Phase;
  readonly call: Call;
  /**
   * Context keys the docs do not promise the service sends: the path is evaluated with every combination of them
   * present and absent, and the decision must be the expected one each time.
   */
  readonly uncertain?: string[];
  readonly expect: 'Allowed' | 'Denied';
  readonly doc: DocRef;
}

/** Principals that are not resources of the templates. */
export interface Principals {
  /** The CloudFormation execution role (CDK bootstrap default: AdministratorAccess). */
  readonly deployer: Caller;
  /** A role of this account with AdministratorAccess that none of the library's policies names. */
  readonly otherAdmin: Caller;
  /** A role of another account with AdministratorAccess there. */
  readonly outsider: Caller;
  /** The AWS service principal acting for this account. */
  service(servicePrincipal: string): Caller;
}

/** A catalog module: the access paths of one service, derived from the deployed world. */
export type Catalog = (world: DeployedWorld, principals: Principals) => AccessPath[];

/** A short label for a resource of the world in the report: its type and construct path (or logical id). */
export function subjectOf(resource: DeployedResource): string {
  return `${resource.type} ${resource.path?.replace(/\/(Resource|Default)$/, '') ?? resource.logicalId}`;
}
