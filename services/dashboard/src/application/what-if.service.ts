import { BadGatewayException, HttpException, Inject, Injectable } from '@nestjs/common';
import { SimulationAnswer, SimulationPeriod } from '@support/contracts';
import { activeTraceContext } from '@support/messaging';
import { assumptionsOf, ComparisonRow, comparisonOf, PartAssumption, WHAT_IF_PARTS, WhatIfPart } from '../domain';
import { WhatIfServices } from './what-if.settings';

export const WHAT_IF_SERVICES = Symbol('WhatIfServices');

/** the longest a part's service may take: a quarter's replay stays well under it */
const PART_TIMEOUT_MS = 180_000;

const SERVICE_OF: Record<WhatIfPart, string> = { sla: 'sla-monitor', routing: 'routing', leads: 'lead-pool' };

/** A what-if request: the period, and for each part simulated, that service's proposal (its body without the period). */
export interface WhatIfRequest extends SimulationPeriod {
  sla?: Record<string, unknown>;
  routing?: Record<string, unknown>;
  leads?: Record<string, unknown>;
}

/** The parts side by side: each service's own answer, every figure paired, every assumption. */
export interface WhatIfAnswer {
  period: SimulationPeriod;
  parts: Partial<Record<WhatIfPart, SimulationAnswer<unknown>>>;
  comparison: ComparisonRow[];
  assumptions: PartAssumption[];
}

/**
 * Combines a simulation from its parts: services never import each other, so each owning service replays
 * its own part (POST /v1/simulations, with the caller's own token) and the dashboard lines them up.
 */
@Injectable()
export class WhatIf {
  constructor(@Inject(WHAT_IF_SERVICES) private readonly services: WhatIfServices) {}

  async simulate(request: WhatIfRequest, authorization: string, correlationId?: string): Promise<WhatIfAnswer> {
    const asked = WHAT_IF_PARTS.filter((part) => request[part] !== undefined);
    const answers = await Promise.all(asked.map((part) => this.part(part, request, authorization, correlationId)));
    const parts = Object.fromEntries(asked.map((part, i) => [part, answers[i]])) as WhatIfAnswer['parts'];
    const period = answers[0]?.period ?? { from: request.from, to: request.to };
    return { period, parts, comparison: comparisonOf(parts), assumptions: assumptionsOf(parts) };
  }

  private async part(part: WhatIfPart, request: WhatIfRequest, authorization: string, correlationId?: string): Promise<SimulationAnswer<unknown>> {
    const service = SERVICE_OF[part];
    const trace = activeTraceContext();
    let response: Response;
    try {
      response = await fetch(`${this.services[part]}/v1/simulations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization,
          ...(correlationId ? { 'x-correlation-id': correlationId } : {}),
          ...(trace ? { traceparent: trace.traceparent, ...(trace.tracestate ? { tracestate: trace.tracestate } : {}) } : {}),
        },
        body: JSON.stringify({ from: request.from, to: request.to, ...request[part] }),
        signal: AbortSignal.timeout(PART_TIMEOUT_MS),
      });
    } catch (error) {
      throw new BadGatewayException(`${part}: ${service} could not be reached (${error instanceof Error ? error.message : String(error)})`);
    }
    const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (response.ok && body) return body as unknown as SimulationAnswer<unknown>;
    // the caller's own mistakes (a bad field, a role) come back as the service said them, named by part
    if (response.status >= 400 && response.status < 500) throw new HttpException(partProblem(part, response.status, body), response.status);
    throw new BadGatewayException(`${part}: ${service} answered ${response.status}${body?.message ? ` (${String(body.message)})` : ''}`);
  }
}

function partProblem(part: WhatIfPart, status: number, body: Record<string, unknown> | undefined): { statusCode: number; error: string; message: string[] } {
  const said = body?.message ?? body?.detail ?? `answered ${status}`;
  const messages = (Array.isArray(said) ? said : [said]).map((message) => `${part}.${String(message)}`);
  return { statusCode: status, error: typeof body?.error === 'string' ? body.error : typeof body?.title === 'string' ? body.title : 'Bad Request', message: messages };
}
