import { Expose } from 'class-transformer';
import { IsOptional, IsUrl } from 'class-validator';
import { loadConfig } from '@support/service-kit';
import { WhatIfPart } from '../domain';

const URL_RULE = '$property must be an http(s) URL, e.g. http://routing:3002';

/** Where the services that simulate each part of a what-if answer: they own the domain code it replays. */
class WhatIfEnv {
  @Expose()
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: URL_RULE })
  SLA_MONITOR_URL?: string;

  @Expose()
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: URL_RULE })
  ROUTING_URL?: string;

  @Expose()
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: URL_RULE })
  LEAD_POOL_URL?: string;
}

/** Each part's service base URL. */
export type WhatIfServices = Record<WhatIfPart, string>;

/** The services on one host at their default ports (API.md), as `npm start` runs them. */
export const LOCAL_WHAT_IF_SERVICES: WhatIfServices = { sla: 'http://127.0.0.1:3003', routing: 'http://127.0.0.1:3002', leads: 'http://127.0.0.1:3006' };

/** The services from SLA_MONITOR_URL, ROUTING_URL and LEAD_POOL_URL (each defaults to its local port); a bad one stops the start, named. */
export function whatIfServicesFrom(env: Record<string, string | undefined>): WhatIfServices {
  const read = loadConfig(WhatIfEnv, env);
  const base = (url: string | undefined, fallback: string) => (url ?? fallback).replace(/\/+$/, '');
  return {
    sla: base(read.SLA_MONITOR_URL, LOCAL_WHAT_IF_SERVICES.sla),
    routing: base(read.ROUTING_URL, LOCAL_WHAT_IF_SERVICES.routing),
    leads: base(read.LEAD_POOL_URL, LOCAL_WHAT_IF_SERVICES.leads),
  };
}

/** The services the settings name (a test's), else those on this host. */
export function whatIfServicesOf(settings: { whatIfServices?: WhatIfServices }): WhatIfServices {
  return settings.whatIfServices ?? LOCAL_WHAT_IF_SERVICES;
}
