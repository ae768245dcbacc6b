export { searchTerms, queryTerms } from './search-text';
export { searchMigration } from './search.migration';
export { SEARCH_CURSOR, SEARCH_DOCUMENT_TYPES, SearchIndex } from './search.index';
export type { SearchCursor, SearchDocument, SearchDocumentType, SearchHit, SearchOptions } from './search.index';
