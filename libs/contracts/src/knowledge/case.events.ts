import { defineEvent, EventOf, SchemaType } from '../catalogue/event-definition';
import { dateTimeSchema, requiredTextSchema, textSchema, uuidSchema } from '../tickets/ticket.vocabulary';
import { SERVICE_KINDS, SERVICE_RESULTS } from '../field-service/service-sheet.events';

// the case library (every approved service sheet, filed as a case) and case analyses (a fault type seen
// for the first time, or a complex case: due in 3 working days, watched by sla-monitor)

export const CASES_TOPIC = 'support.cases.v1';
export const CASE_AGGREGATE = 'case';
export const CASE_ANALYSIS_AGGREGATE = 'case-analysis';

export const ANALYSIS_REASONS = ['new-scenario', 'complex-case'] as const;
export type AnalysisReason = (typeof ANALYSIS_REASONS)[number];

const caseSchema = {
  type: 'object',
  required: ['caseId', 'ticketId', 'sheetId', 'kind', 'device', 'problem', 'diagnosis', 'workDone', 'result'],
  additionalProperties: false,
  properties: {
    caseId: uuidSchema,
    ticketId: uuidSchema,
    sheetId: uuidSchema,
    visitId: uuidSchema,
    kind: { enum: [...SERVICE_KINDS] },
    scenarioId: requiredTextSchema,
    faultCategory: requiredTextSchema,
    // the SOP the resolution followed, when one was named
    sopArticleId: uuidSchema,
    device: requiredTextSchema,
    problem: requiredTextSchema,
    diagnosis: requiredTextSchema,
    workDone: requiredTextSchema,
    result: { enum: [...SERVICE_RESULTS] },
  },
} as const;

/** A solved case as the library keeps it. */
export type FiledCase = SchemaType<typeof caseSchema>;

export const caseFiled = defineEvent({
  type: 'support.case.filed.v1',
  topic: CASES_TOPIC,
  aggregate: CASE_AGGREGATE,
  description: 'An approved service sheet joined the case library, linked to its ticket, scenario and the SOP used.',
  schema: caseSchema,
});

export const caseLinked = defineEvent({
  type: 'support.case.linked.v1',
  topic: CASES_TOPIC,
  aggregate: CASE_AGGREGATE,
  description:
    "A filed case learned its ticket's scenario or the SOP its resolution followed after it was filed: the sheet's approval and the ticket's events travel on different topics, so either may come first. Only what the case lacked; a link once made never changes.",
  schema: {
    type: 'object',
    required: ['caseId', 'ticketId'],
    minProperties: 3,
    additionalProperties: false,
    properties: { caseId: uuidSchema, ticketId: uuidSchema, scenarioId: requiredTextSchema, faultCategory: requiredTextSchema, sopArticleId: uuidSchema },
  },
});

/** What a filed case learns of its ticket later: its scenario, fault category or the SOP its resolution followed. */
export type CaseLink = EventOf<typeof caseLinked>['data'];

export const caseAnalysisOpened = defineEvent({
  type: 'support.case.analysis-opened.v1',
  topic: CASES_TOPIC,
  aggregate: CASE_ANALYSIS_AGGREGATE,
  description: 'A case analysis is due (3 working days): a scenario the catalogue does not know yet, or a complex case.',
  schema: {
    type: 'object',
    required: ['analysisId', 'ticketId', 'reason', 'scenarioId', 'faultCategory', 'openedAt'],
    additionalProperties: false,
    properties: {
      analysisId: uuidSchema,
      ticketId: uuidSchema,
      reason: { enum: [...ANALYSIS_REASONS] },
      scenarioId: requiredTextSchema,
      faultCategory: requiredTextSchema,
      openedAt: dateTimeSchema,
    },
  },
});

export const caseAnalysisClosed = defineEvent({
  type: 'support.case.analysis-closed.v1',
  topic: CASES_TOPIC,
  aggregate: CASE_ANALYSIS_AGGREGATE,
  description: 'The analysis concluded; the SOP or FAQ article it created or updated, and the scenario it put in the catalogue.',
  schema: {
    type: 'object',
    required: ['analysisId', 'ticketId', 'conclusion', 'closedAt'],
    additionalProperties: false,
    properties: {
      analysisId: uuidSchema,
      ticketId: uuidSchema,
      conclusion: { ...textSchema, minLength: 1 },
      articleId: uuidSchema,
      scenarioId: requiredTextSchema,
      closedAt: dateTimeSchema,
    },
  },
});

export const caseEvents = [caseFiled, caseLinked, caseAnalysisOpened, caseAnalysisClosed];
export type CaseEvent = EventOf<(typeof caseEvents)[number]>;
