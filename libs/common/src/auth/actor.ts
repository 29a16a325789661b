import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';

/**
 * Who is calling the hub's own API. Unit staff and units' systems act for one unit (承办单位);
 * operators and supervisors are the hotline office (热线管理办公室); administrators manage the
 * directory, keys and configuration.
 */
export const HUB_ROLES = ['unit_staff', 'unit_system', 'operator', 'supervisor', 'admin'] as const;
export type HubRole = (typeof HUB_ROLES)[number];

export interface HubActor {
  /** user id or API key id */
  id: string;
  role: HubRole;
  /** for unit_staff and unit_system: the unit they act for */
  unitCode?: string;
  /** for the audit trail */
  name: string;
}

export const ROLES_KEY = 'hub:roles';
export const PUBLIC_KEY = 'hub:public';

/** The roles that may call a handler (checked by the auth guard). */
export const Roles = (...roles: HubRole[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** No user authentication: upstream intake (signed per docs/contracts.md#signed-requests), health, docs. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

export const OFFICE_ROLES: HubRole[] = ['operator', 'supervisor'];
export const UNIT_ROLES: HubRole[] = ['unit_staff', 'unit_system'];

/** The authenticated caller, set on the request by the auth guard. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): HubActor => {
  const req = ctx.switchToHttp().getRequest<{ actor?: HubActor }>();
  if (!req.actor) throw new Error('CurrentActor used on a route without authentication');
  return req.actor;
});

export const isOffice = (a: HubActor): boolean => a.role === 'operator' || a.role === 'supervisor';
export const isUnit = (a: HubActor): boolean => a.role === 'unit_staff' || a.role === 'unit_system';
