export { searchTerms, queryTerms } from './search-text';
export { searchMigration } from './search.migration';
export { SEARCH_DOCUMENT_TYPES, SearchIndex } from './search.index';
export type { SearchDocument, SearchDocumentType, SearchHit, SearchOptions } from './search.index';
