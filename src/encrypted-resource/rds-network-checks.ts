import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PropValidator } from '../internal/validation';

/**
 * Where the RDS constructs put a database when `vpcSubnets` is not given: the VPC's isolated subnets when it has any
 * (a database needs no internet route), else its private ones.
 */
export function defaultDatabaseSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
  return { subnetType: vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS };
}

/** The setting that asks for public access and where it came from, for the message. */
export interface PublicAccessRequest {
  /** The prop to name: `publiclyAccessible` (an instance), `writer` or `readers[<n>]` (a cluster's instance). */
  readonly prop: string;
  /** What was given: `true`, or `publiclyAccessible: true` for a cluster instance. */
  readonly given: string;
}

/**
 * A publicly accessible DB instance needs what RDS documents for it, checked where synth can see it: every subnet of
 * the DB subnet group public ("For a DB instance to be publicly accessible, all of the subnets in its DB subnet group
 * must be public"; "the subnets in the DB subnet group must have an internet gateway"), and the VPC's DNS hostnames and DNS resolution on (otherwise
 * RDS answers InvalidVPCNetworkStateFault, "Cannot create a publicly accessible DBInstance").
 *
 * Decided only for an `ec2.Vpc` of this app, from the subnets the selection gives: an `ec2.Subnet` with a `0.0.0.0/0` route to a
 * gateway among its children (an `ec2.PublicSubnet` of a VPC with an internet gateway) is public, another is not. An
 * imported VPC or subnet (`fromLookup`, `fromVpcAttributes`, `Subnet.fromSubnetId`) shows no route tables at synth:
 * nothing is refused for it (docs/known-limits.md).
 *
 * @param vpcSubnets the selection given (undefined: the constructs' default, {@link defaultDatabaseSubnets})
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Subnets
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html
 */
export function checkPublicAccess(v: PropValidator, request: PublicAccessRequest, vpc: ec2.IVpc, vpcSubnets: ec2.SubnetSelection | undefined): void {
  if (!(vpc instanceof ec2.Vpc)) return;
  v.check(vpc.dnsHostnamesEnabled && vpc.dnsSupportEnabled, request.prop, request.given,
    'RDS makes a DB instance publicly accessible only in a VPC with DNS hostnames and DNS resolution on (InvalidVPCNetworkStateFault otherwise): '
    + 'turn on enableDnsHostnames and enableDnsSupport, or keep the database private', false);
  let subnets: ec2.ISubnet[];
  try {
    subnets = vpc.selectSubnets(vpcSubnets ?? defaultDatabaseSubnets(vpc)).subnets;
  } catch {
    return; // a selection the VPC cannot satisfy: aws-cdk-lib says so when it builds the subnet group
  }
  const notPublic = subnets.filter((s): s is ec2.Subnet => s instanceof ec2.Subnet && !routesToGateway(s)).map(s => s.node.path);
  if (notPublic.length === 0) return;
  const where = vpcSubnets === undefined ? 'the default subnets (isolated, else private)' : 'the subnets vpcSubnets selects';
  const shown = notPublic.length > 2 ? `${notPublic.slice(0, 2).join(', ')} and ${notPublic.length - 2} more` : notPublic.join(', ');
  v.check(false, request.prop, request.given,
    `RDS makes a DB instance publicly accessible only when every subnet of its DB subnet group routes to an internet gateway; ${where} include some that do not (${shown}): `
    + 'choose public subnets (vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }) or keep the database private (the default)', false);
}

/**
 * Whether the subnet has a `0.0.0.0/0` route to a gateway among its children: what `ec2.Vpc` gives its public subnets
 * (`DefaultRoute`, to the internet gateway; none when the VPC is made without one) and `addDefaultInternetRoute` adds.
 */
function routesToGateway(subnet: ec2.Subnet): boolean {
  return subnet.node.children.some(c => c instanceof ec2.CfnRoute && c.destinationCidrBlock === '0.0.0.0/0' && c.gatewayId !== undefined);
}
