import { dataSchemaWith, defineEvent, EventOf, SchemaType } from '../catalogue/event-definition';
import { actorSchema, dateTimeSchema, requiredTextSchema, textSchema, uuidSchema } from '../tickets/ticket.vocabulary';

// service sheets, for remote and on-site service alike: drafted (and revised) -> submitted ->
// approved or rejected (back to revision) -> archived. Approved sheets carry everything the
// knowledge base needs to file them as cases.

export const SHEETS_TOPIC = 'support.sheets.v1';
export const SHEET_AGGREGATE = 'sheet';

export const SERVICE_KINDS = ['remote', 'on-site'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export const SERVICE_RESULTS = ['fixed', 'partially-fixed', 'not-fixed'] as const;
export type ServiceResult = (typeof SERVICE_RESULTS)[number];

const contentsSchema = {
  type: 'object',
  required: ['customer', 'device', 'problem', 'diagnosis', 'workDone', 'partsUsed', 'timeSpentMinutes', 'result'],
  additionalProperties: false,
  properties: {
    customer: {
      type: 'object',
      required: ['name', 'contact'],
      additionalProperties: false,
      properties: { name: requiredTextSchema, contact: requiredTextSchema },
    },
    device: requiredTextSchema,
    problem: requiredTextSchema,
    diagnosis: requiredTextSchema,
    workDone: requiredTextSchema,
    partsUsed: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        required: ['name', 'quantity'],
        additionalProperties: false,
        properties: { name: requiredTextSchema, quantity: { type: 'integer', minimum: 1 } },
      },
    },
    timeSpentMinutes: { type: 'integer', minimum: 0, maximum: 100_000 },
    result: { enum: [...SERVICE_RESULTS] },
  },
} as const;

/** What a sheet says: who, which device, what was wrong, what was done, with what, how long, and the result. */
export type SheetContents = SchemaType<typeof contentsSchema>;
export type PartUsed = SheetContents['partsUsed'][number];

const signatureSchema = {
  type: 'object',
  required: ['signerName', 'sha256', 'signedAt'],
  additionalProperties: false,
  properties: { signerName: requiredTextSchema, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' }, signedAt: dateTimeSchema },
} as const;

/** The customer's signature on an on-site sheet, by reference to the visit's signed event (the image stays there). */
export type SheetSignature = SchemaType<typeof signatureSchema>;

const sheetDataSchema = dataSchemaWith({ sheetId: uuidSchema, ticketId: uuidSchema, visitId: { ...uuidSchema, description: 'the visit, for an on-site sheet' } }, [
  'sheetId',
  'ticketId',
]);

// the customer a sheet names, and who signed it on site
const CONTENTS_PERSONAL_DATA = ['/contents/customer/name', '/contents/customer/contact'];
const SIGNATURE_PERSONAL_DATA = ['/customerSignature/signerName'];

export const sheetDrafted = defineEvent({
  type: 'support.sheet.drafted.v1',
  topic: SHEETS_TOPIC,
  aggregate: SHEET_AGGREGATE,
  description: 'A service sheet was started for a remote or on-site service (an on-site sheet names its visit).',
  personalData: CONTENTS_PERSONAL_DATA,
  schema: sheetDataSchema({ kind: { enum: [...SERVICE_KINDS] }, author: actorSchema, contents: contentsSchema }, ['kind', 'author', 'contents']),
});

export const sheetRevised = defineEvent({
  type: 'support.sheet.revised.v1',
  topic: SHEETS_TOPIC,
  aggregate: SHEET_AGGREGATE,
  description: 'The draft (or a rejected sheet) was rewritten; the whole contents are repeated.',
  personalData: CONTENTS_PERSONAL_DATA,
  schema: sheetDataSchema({ contents: contentsSchema }, ['contents']),
});

export const sheetSubmitted = defineEvent({
  type: 'support.sheet.submitted.v1',
  topic: SHEETS_TOPIC,
  aggregate: SHEET_AGGREGATE,
  description: "Sent to the lead for review (stops the sheet clocks); an on-site sheet carries the customer's signature once the visit is signed.",
  personalData: [...CONTENTS_PERSONAL_DATA, ...SIGNATURE_PERSONAL_DATA],
  schema: sheetDataSchema({ kind: { enum: [...SERVICE_KINDS] }, contents: contentsSchema, submittedAt: dateTimeSchema, customerSignature: signatureSchema }, [
    'kind',
    'contents',
    'submittedAt',
  ]),
});

export const sheetApproved = defineEvent({
  type: 'support.sheet.approved.v1',
  topic: SHEETS_TOPIC,
  aggregate: SHEET_AGGREGATE,
  description: 'The review passed; the whole sheet is published here so the knowledge base can file it as a case.',
  personalData: [...CONTENTS_PERSONAL_DATA, ...SIGNATURE_PERSONAL_DATA],
  schema: sheetDataSchema({ kind: { enum: [...SERVICE_KINDS] }, contents: contentsSchema, author: actorSchema, customerSignature: signatureSchema, note: textSchema }, [
    'kind',
    'contents',
    'author',
  ]),
});

export const sheetRejected = defineEvent({
  type: 'support.sheet.rejected.v1',
  topic: SHEETS_TOPIC,
  aggregate: SHEET_AGGREGATE,
  description: 'The review sent the sheet back with a reason; it is revised and submitted again.',
  schema: sheetDataSchema({ reason: requiredTextSchema }, ['reason']),
});

export const sheetArchived = defineEvent({
  type: 'support.sheet.archived.v1',
  topic: SHEETS_TOPIC,
  aggregate: SHEET_AGGREGATE,
  description: 'The approved sheet was archived: it is final.',
  schema: sheetDataSchema({}),
});

export const sheetEvents = [sheetDrafted, sheetRevised, sheetSubmitted, sheetApproved, sheetRejected, sheetArchived];
export type SheetEvent = EventOf<(typeof sheetEvents)[number]>;
export type SheetEventType = SheetEvent['type'];
