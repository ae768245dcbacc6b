import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import { Role } from '@support/contracts';

export const ROLES_KEY = 'service-kit:roles';

/**
 * Only these roles may call the route (or every route of the controller; a route's own list
 * wins). Others get 403. No implicit super-role: list `lead` where the lead may act.
 */
export function Roles(...roles: Role[]): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(ROLES_KEY, roles), ApiForbiddenResponse({ description: `allowed roles: ${roles.join(', ')}` }));
}
