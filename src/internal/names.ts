import { Names } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A physical name derived from the construct path: the same tree always yields the same name, two constructs never
 * share one. Used only where a name must be known before deploy (to build an ARN for a key-policy condition without
 * `Fn::GetAtt`, which would make a key ↔ resource dependency cycle).
 */
export function deterministicName(construct: IConstruct, maxLength: number, separator = '-'): string {
  return Names.uniqueResourceName(construct, { maxLength, separator, allowedSpecialCharacters: '-_' });
}

/**
 * An RDS identifier (DB instance or DB cluster) derived from the construct path: lower case, starting with a letter,
 * single hyphens, at most 60 characters (RDS allows 63).
 */
export function rdsIdentifier(scope: IConstruct): string {
  let name = deterministicName(scope, 60).toLowerCase().replace(/_/g, '-').replace(/-{2,}/g, '-').replace(/-+$/, '');
  if (!/^[a-z]/.test(name)) name = `db-${name}`.replace(/-{2,}/g, '-');
  return name;
}
