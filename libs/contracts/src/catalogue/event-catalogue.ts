import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { EventDefinition } from './event-definition';
import { wireSchema } from './sealed-personal-data';

export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

/** Every event type the system knows, with compiled validators. */
export class EventCatalogue {
  private readonly definitions = new Map<string, EventDefinition>();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(definitions: readonly EventDefinition[]) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    for (const definition of definitions) {
      if (this.definitions.has(definition.type)) throw new Error(`event type defined twice: ${definition.type}`);
      this.definitions.set(definition.type, definition);
      // what is stored and published: personal fields clear or sealed
      this.validators.set(definition.type, ajv.compile(wireSchema(definition)));
    }
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  definition(type: string): EventDefinition {
    const definition = this.definitions.get(type);
    if (!definition) throw new Error(`unknown event type: ${type}`);
    return definition;
  }

  all(): EventDefinition[] {
    return [...this.definitions.values()];
  }

  topics(): string[] {
    return [...new Set(this.all().map((d) => d.topic))].sort();
  }

  /** every type published on these topics: what a consumer of the whole topics handles */
  typesOn(...topics: string[]): string[] {
    return this.all()
      .filter((d) => topics.includes(d.topic))
      .map((d) => d.type);
  }

  validate(type: string, data: unknown): ValidationResult {
    const validator = this.validators.get(type);
    if (!validator) return { ok: false, errors: [`unknown event type ${type}`] };
    if (validator(data)) return { ok: true };
    const errors = (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    return { ok: false, errors };
  }
}
