import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropValidator } from '../internal/validation';
import { ClassEngine, instanceClassProblem } from '../services/rds/instance-classes';
import { reservedMasterUsername, UsernameFamily } from '../services/rds/master-usernames';

/**
 * The context key that lists DB instance class families to accept for every engine besides the library's table
 * (`["m9x"]`): for a family AWS launched after this release of the library.
 */
export const RDS_INSTANCE_CLASS_FAMILIES_CONTEXT = 'cdk-encrypted-constructs:rdsInstanceClassFamilies';

/** One DB instance class to check, and the prop it came from (`instanceType`, `writer`, `readers[0]`). */
export interface InstanceClassChoice {
  readonly prop: string;
  /** The class without `db.` (as `ec2.InstanceType#toString` gives it), or undefined when there is none to check. */
  readonly instanceClass?: string;
}

/**
 * Each instance class is one RDS offers for the engine (a family of the table in `services/rds/instance-classes.ts`
 * in one of its sizes, or a family the app lists under {@link RDS_INSTANCE_CLASS_FAMILIES_CONTEXT}). Tokens are left to
 * CloudFormation.
 */
export function checkInstanceClasses(v: PropValidator, scope: IConstruct, engine: ClassEngine, choices: InstanceClassChoice[]): void {
  const extra = contextFamilies(v, scope);
  for (const { prop, instanceClass } of choices) {
    if (instanceClass === undefined || Token.isUnresolved(instanceClass)) continue;
    const problem = instanceClassProblem(engine, instanceClass, extra);
    if (problem === undefined) continue;
    const hint = problem.kind === 'family' ? `; a family launched after this release of the library can be allowed with the context key ${RDS_INSTANCE_CLASS_FAMILIES_CONTEXT}` : '';
    v.check(false, prop, `db.${instanceClass}`, `${problem.message}${hint}`, false);
  }
}

/**
 * The master user name is not one RDS refuses for the engine family (`services/rds/master-usernames.ts`). Tokens are
 * skipped.
 *
 * @param engine the engine, for the message (`postgres`, `aurora-postgresql`)
 */
export function checkMasterUsername(v: PropValidator, family: UsernameFamily, engine: string, username: string | undefined): void {
  if (typeof username !== 'string' || Token.isUnresolved(username)) return;
  const reserved = reservedMasterUsername(family, username);
  v.check(reserved === undefined, 'credentials.username', username, `is reserved on ${engine}: ${reserved?.evidence}; choose another name (the default is dbadmin)`);
}

/** The families the app adds through the context key (an array of family names such as `m9x`), checked for shape. */
function contextFamilies(v: PropValidator, scope: IConstruct): string[] {
  const value: unknown = scope.node.tryGetContext(RDS_INSTANCE_CLASS_FAMILIES_CONTEXT);
  if (value === undefined) return [];
  const ok = Array.isArray(value) && value.every(f => typeof f === 'string' && /^[a-z][a-z0-9]*$/.test(f));
  v.check(ok, `context ${RDS_INSTANCE_CLASS_FAMILIES_CONTEXT}`, JSON.stringify(value), 'must be an array of instance class families without "db." (e.g. ["m9x"])', false);
  return ok ? value as string[] : [];
}
