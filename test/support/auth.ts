import { HubActor, HubAuthService } from '@hub/common';
import type { RunningHub } from './harness';

/** An Authorization header for an actor of the hub's own API, issued by the running gateway. */
export async function authHeader(hub: RunningHub, actor: Partial<HubActor> & Pick<HubActor, 'role'>): Promise<Record<string, string>> {
  const gateway = hub.apps.gateway;
  if (!gateway) throw new Error('authHeader needs the gateway running');
  const token = await gateway.get(HubAuthService).issue({ id: actor.id ?? `${actor.role}-${actor.unitCode ?? 'office'}`, name: actor.name ?? actor.role, ...actor });
  return { authorization: `Bearer ${token}` };
}
