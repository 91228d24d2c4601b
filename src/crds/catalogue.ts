// The catalogue of the managed CRD kinds, in the menu's order (grouped by API group, VPC API
// first). Adding a kind is one file in kinds/ and one line here; everything else reads it.
import { connection } from './kinds/connection';
import { external } from './kinds/external';
import { externalAttachment } from './kinds/externalAttachment';
import { externalPeering } from './kinds/externalPeering';
import { gateway } from './kinds/gateway';
import { gatewayGroup } from './kinds/gatewayGroup';
import { gatewayPeering } from './kinds/gatewayPeering';
import { ipv4Namespace } from './kinds/ipv4Namespace';
import { server } from './kinds/server';
import { serverProfile } from './kinds/serverProfile';
import { switchKind } from './kinds/switch';
import { switchGroup } from './kinds/switchGroup';
import { switchProfileKind } from './kinds/switchProfile';
import { vlanNamespace } from './kinds/vlanNamespace';
import { vpc } from './kinds/vpc';
import { vpcAttachment } from './kinds/vpcAttachment';
import { vpcPeering } from './kinds/vpcPeering';
import type { KindDef } from './types';

export const kinds: KindDef[] = [
  vpc,
  vpcAttachment,
  vpcPeering,
  ipv4Namespace,
  external,
  externalAttachment,
  externalPeering,
  connection,
  server,
  switchKind,
  switchGroup,
  vlanNamespace,
  serverProfile,
  switchProfileKind,
  gateway,
  gatewayGroup,
  gatewayPeering,
];
