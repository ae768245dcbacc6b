/** Roles of DOMAIN.md plus `service` for service-to-service calls. */
export const ROLES = ['lead', 'senior', 'agent', 'contractor', 'intake', 'analyst', 'service'] as const;
export type Role = (typeof ROLES)[number];

/** Who did something: carried on every command and every event. */
export interface Actor {
  id: string;
  role: Role;
  name?: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
