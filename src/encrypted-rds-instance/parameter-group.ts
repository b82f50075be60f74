import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { EncryptedRdsInstanceProps } from './props';
import { EngineFacts } from '../services/rds/engine-facts';

/**
 * The parameter group of the instance. With `enforceTls` (the default): a new group (child `ParameterGroup`) from
 * `parameters` plus the engine's TLS parameter, or the TLS parameter added to the `rds.ParameterGroup` given (an
 * imported group is refused by validation). Without: a new group only when `parameters` are given, else the group given.
 */
export function tlsParameterGroup(scope: Construct, props: EncryptedRdsInstanceProps, facts: EngineFacts): rds.IParameterGroup | undefined {
  const tls = { [facts.tlsParameter]: facts.tlsValue };
  let parameterGroup: rds.IParameterGroup | undefined = props.parameterGroup;
  if (props.enforceTls !== false) {
    if (props.parameterGroup instanceof rds.ParameterGroup) {
      props.parameterGroup.addParameter(facts.tlsParameter, facts.tlsValue);
    } else if (!props.parameterGroup) {
      parameterGroup = new rds.ParameterGroup(scope, 'ParameterGroup', {
        engine: props.engine,
        description: `TLS-only parameters for ${scope.node.path}`,
        parameters: { ...props.parameters, ...tls },
      });
    }
  } else if (!props.parameterGroup && props.parameters) {
    parameterGroup = new rds.ParameterGroup(scope, 'ParameterGroup', { engine: props.engine, parameters: props.parameters });
  }
  return parameterGroup;
}
