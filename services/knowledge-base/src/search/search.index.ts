import { EntityManager } from 'typeorm';
import { qualified, SqlExecutor } from '@support/event-store';
import { cursorShape, Page, pageOf, PageRequest, rowsToRead, SortKey } from '@support/service-kit';
import { indexTerms, isLoneCjk, queryTerms, snippet } from './search-text';

export const SEARCH_DOCUMENT_TYPES = ['sop', 'faq', 'case'] as const;
export type SearchDocumentType = (typeof SEARCH_DOCUMENT_TYPES)[number];

/** One searchable document: an SOP article, an FAQ entry or a library case, at one version. */
export interface SearchDocument {
  type: SearchDocumentType;
  id: string;
  version: number;
  title: string;
  body: string;
  tags?: readonly string[];
  /** when this version was written (the event's time); now when left out */
  updatedAt?: Date;
}

export interface SearchOptions {
  /** only these types; all when left out or empty */
  types?: readonly SearchDocumentType[];
  /** only these cases among the case documents (a contractor's own); every case when left out */
  caseIds?: readonly string[];
}

/** Search pages by rank (best first), then id and type: the cursor holds the last hit's. */
export const SEARCH_CURSOR = cursorShape({ rank: 'number', id: 'text', type: 'text' });
export type SearchCursor = SortKey<typeof SEARCH_CURSOR>;

export interface SearchHit {
  type: SearchDocumentType;
  id: string;
  version: number;
  title: string;
  /** about 160 characters of the body around the first matching term */
  snippet: string;
  /** higher is better: 1 + cover density when every term is in the title or tags, the cover density alone otherwise */
  rank: number;
}

// one config on both sides: it stems and drops stop words for Latin words (printers finds printer)
// and leaves the CJK bigrams as they are
const CONFIG = 'english';
// ts_rank_cd weights {D, C, B, A}: a title or tag hit counts 2.5 times a body hit
const WEIGHTS = '{0.1, 0.2, 0.4, 1.0}';

/**
 * The knowledge base's full-text index. Segmentation happens in TypeScript (search-text.ts): PostgreSQL
 * only stores the terms in a tsvector and matches them, so Chinese works without pg_trgm or zhparser.
 */
export class SearchIndex {
  private readonly documents: string;

  constructor(schema: string) {
    this.documents = qualified(schema, 'search_documents');
  }

  /** Indexes a document, replacing whatever version of it was indexed before. */
  async upsert(manager: EntityManager, doc: SearchDocument): Promise<void> {
    const titleTerms = [doc.title, ...(doc.tags ?? [])].flatMap(indexTerms);
    await manager.query(
      `INSERT INTO ${this.documents} (doc_type, doc_id, version, title, body, terms, updated_at)
       VALUES ($1, $2, $3, $4, $5,
               setweight(to_tsvector('${CONFIG}', $6), 'A') || setweight(to_tsvector('${CONFIG}', $7), 'B'),
               COALESCE($8::timestamptz, now()))
       ON CONFLICT (doc_type, doc_id) DO UPDATE SET version = EXCLUDED.version, title = EXCLUDED.title,
         body = EXCLUDED.body, terms = EXCLUDED.terms, updated_at = EXCLUDED.updated_at`,
      [doc.type, doc.id, doc.version, doc.title, doc.body, titleTerms.join(' '), indexTerms(doc.body).join(' '), doc.updatedAt ?? null],
    );
  }

  /** Takes a document out of the index (nothing happens when it is not there). */
  async remove(manager: EntityManager, type: SearchDocumentType, id: string): Promise<void> {
    await manager.query(`DELETE FROM ${this.documents} WHERE doc_type = $1 AND doc_id = $2`, [type, id]);
  }

  /**
   * Documents that contain every term of the query, best first (documents with every term in the title
   * or tags before the others, then by cover density), ties by id. A query without terms finds nothing.
   */
  async search(executor: SqlExecutor, query: string, page: PageRequest<SearchCursor>, options: SearchOptions = {}): Promise<Page<SearchHit>> {
    const terms = queryTerms(query);
    if (terms.length === 0) return { items: [], nextCursor: null };
    const types = options.types?.length ? options.types : null;
    // the rank as float8 both ways, so the cursor's number compares exactly; -rank makes best-first one ascending key
    const rows: Row[] = await executor.query(
      `WITH q AS (
         SELECT to_tsquery('${CONFIG}', $1) AS every, to_tsquery('${CONFIG}', $2) AS in_title,
                tsvector_to_array(to_tsvector('${CONFIG}', $3)) AS stems
       ), hits AS (
         SELECT d.doc_type, d.doc_id, d.version, d.title, d.body, q.stems,
                ((d.terms @@ q.in_title)::int + ts_rank_cd('${WEIGHTS}', d.terms, q.every, 32))::float8 AS rank
           FROM ${this.documents} d, q
          WHERE d.terms @@ q.every AND ($4::text[] IS NULL OR d.doc_type = ANY ($4::text[]))
            AND ($6::text[] IS NULL OR d.doc_type <> 'case' OR d.doc_id = ANY ($6::text[]))
       )
       SELECT * FROM hits
        WHERE $7::float8 IS NULL OR (-rank, doc_id, doc_type) > (-$7::float8, $8::text, $9::text)
        ORDER BY rank DESC, doc_id, doc_type
        LIMIT $5`,
      [
        tsquery(terms),
        tsquery(terms, 'A'),
        terms.join(' '),
        types,
        rowsToRead(page),
        options.caseIds ?? null,
        page.after?.rank ?? null,
        page.after?.id ?? null,
        page.after?.type ?? null,
      ],
    );
    const hits = rows.map((row) => ({
      type: row.doc_type,
      id: row.doc_id,
      version: row.version,
      title: row.title,
      snippet: snippet(row.body, matcher(terms, row.stems)),
      rank: Number(row.rank),
    }));
    return pageOf(hits, page, (hit) => ({ rank: hit.rank, id: hit.id, type: hit.type }));
  }
}

interface Row {
  doc_type: SearchDocumentType;
  doc_id: string;
  version: number;
  title: string;
  body: string;
  stems: string[];
  rank: number | string;
}

/**
 * to_tsquery input that ANDs the terms, each quoted (terms hold only letters and digits, but quotes and
 * backslashes are escaped all the same); a lone CJK character is a prefix, and `weight` keeps to
 * lexemes of that weight.
 */
function tsquery(terms: string[], weight: 'A' | '' = ''): string {
  return terms
    .map((term) => {
      const quoted = `'${term.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
      const label = `${isLoneCjk(term) ? '*' : ''}${weight}`;
      return label ? `${quoted}:${label}` : quoted;
    })
    .join(' & ');
}

// which body terms a snippet centres on: the query's own terms, prefixes for lone CJK characters, and
// the stems PostgreSQL matched on (printer for printers)
function matcher(terms: string[], stems: string[]): (term: string) => boolean {
  const exact = new Set(terms);
  const prefixes = [...terms.filter(isLoneCjk), ...stems.filter((s) => s.length >= 3)];
  return (term) => exact.has(term) || prefixes.some((p) => term.startsWith(p));
}
