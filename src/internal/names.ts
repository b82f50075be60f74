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
