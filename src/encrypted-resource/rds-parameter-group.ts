import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';

/** What an RDS construct's props say of parameters (as `rds.DatabaseInstanceProps` and `rds.DatabaseClusterProps` name it). */
export interface ParameterGroupProps {
  readonly engine: rds.IEngine;
  readonly parameterGroup?: rds.IParameterGroup;
  readonly parameters?: { [name: string]: string };
  readonly enforceTls?: boolean;
}

/**
 * The parameter group of the database (an instance's, or a cluster's DB cluster parameter group). With `enforceTls`
 * (the default): a new group (child `ParameterGroup`) from `parameters` plus the engine's TLS parameter, or the TLS
 * parameter added to the `rds.ParameterGroup` given (an imported group is refused by validation). Without: a new
 * group only when `parameters` are given, else the group given.
 *
 * @param tls the engine's TLS parameter and its "on" value (`services/rds`)
 */
export function tlsParameterGroup(scope: Construct, props: ParameterGroupProps,
  tls: { readonly tlsParameter: string; readonly tlsValue: string }): rds.IParameterGroup | undefined {
  let parameterGroup: rds.IParameterGroup | undefined = props.parameterGroup;
  if (props.enforceTls !== false) {
    if (props.parameterGroup instanceof rds.ParameterGroup) {
      props.parameterGroup.addParameter(tls.tlsParameter, tls.tlsValue);
    } else if (!props.parameterGroup) {
      parameterGroup = new rds.ParameterGroup(scope, 'ParameterGroup', {
        engine: props.engine,
        description: `TLS-only parameters for ${scope.node.path}`,
        parameters: { ...props.parameters, [tls.tlsParameter]: tls.tlsValue },
      });
    }
  } else if (!props.parameterGroup && props.parameters) {
    parameterGroup = new rds.ParameterGroup(scope, 'ParameterGroup', { engine: props.engine, parameters: props.parameters });
  }
  return parameterGroup;
}
