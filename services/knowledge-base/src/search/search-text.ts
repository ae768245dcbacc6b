// segmentation for search, done here because PostgreSQL's parsers do not split Chinese and pg_trgm
// may be missing: Latin/digit words whole, CJK runs as overlapping bigrams. Pure, no I/O.

// ー (prolonged sound mark) and 〆 are Common script but belong inside Japanese words
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u3006\\u30fc\\uff70';
const TOKEN = new RegExp(`([${CJK}]+)|((?:(?![${CJK}])[\\p{L}\\p{M}\\p{N}])+)`, 'gu');
const LONE_CJK = new RegExp(`^[${CJK}]$`, 'u');
const NOT_WORD = /[^\p{L}\p{M}\p{N}]+/u;

/** Longer words (hashes, base64) are dropped: PostgreSQL refuses lexemes over 2 KB, and nobody searches them. */
export const MAX_TERM_LENGTH = 100;
/** A query keeps at most this many distinct terms (the HTTP layer should bound the query length anyway). */
export const MAX_QUERY_TERMS = 64;
/** How many characters of the body a snippet shows, about. */
export const SNIPPET_WIDTH = 160;

interface Span {
  term: string;
  /** offset in the text (code units) where the term starts, near enough for a snippet */
  start: number;
}

interface Token {
  cjk: boolean;
  raw: string;
  start: number;
}

function tokens(text: string): Token[] {
  return Array.from(text.matchAll(TOKEN), (m) => ({ cjk: m[1] !== undefined, raw: m[0], start: m.index ?? 0 }));
}

function spansOf(token: Token): Span[] {
  if (!token.cjk) {
    // nfkc folds full-width letters and digits (ＯＢＳ, ５００) into ascii
    const words = token.raw.normalize('NFKC').toLowerCase().split(NOT_WORD);
    return words.filter((w) => w.length > 0 && w.length <= MAX_TERM_LENGTH).map((term) => ({ term, start: token.start }));
  }
  const chars = Array.from(token.raw.normalize('NFKC'));
  if (chars.length === 1) return [{ term: chars[0], start: token.start }];
  // offsets of the original characters, when normalising kept their count (it nearly always does)
  const offsets = codePointOffsets(token.raw);
  const at = (i: number) => token.start + (offsets.length === chars.length ? offsets[i] : 0);
  return chars.slice(1).map((c, i) => ({ term: chars[i] + c, start: at(i) }));
}

function codePointOffsets(text: string): number[] {
  const offsets: number[] = [];
  let offset = 0;
  for (const c of text) {
    offsets.push(offset);
    offset += c.length;
  }
  return offsets;
}

/**
 * The terms of a text, in order (repeats kept, positions matter for ranking): Latin/digit words
 * lower-cased, and each run of CJK characters as its overlapping bigrams (a one-character run is that
 * character). `OBS推流卡顿 500kbps` gives obs, 推流, 流卡, 卡顿, 500kbps.
 */
export function searchTerms(text: string): string[] {
  return tokens(text).flatMap((t) => spansOf(t).map((s) => s.term));
}

/**
 * The terms to index for a text: its search terms, then the last character of each CJK run of two or
 * more, so that a one-character query (matched as a prefix, see isLoneCjk) finds a character even where
 * it only ends a run (卡 in 采集卡).
 */
export function indexTerms(text: string): string[] {
  const runEnds = tokens(text)
    .filter((t) => t.cjk)
    .map((t) => Array.from(t.raw.normalize('NFKC')))
    .filter((chars) => chars.length > 1)
    .map((chars) => chars[chars.length - 1]);
  return [...searchTerms(text), ...runEnds];
}

/** The distinct terms of a query, in order, at most MAX_QUERY_TERMS; every one must match. */
export function queryTerms(query: string): string[] {
  return [...new Set(searchTerms(query))].slice(0, MAX_QUERY_TERMS);
}

/** A single CJK character: as a query term it matches any indexed term that starts with it. */
export function isLoneCjk(term: string): boolean {
  return LONE_CJK.test(term);
}

/**
 * Up to about SNIPPET_WIDTH characters of a body (white space collapsed) around the first term for
 * which `matches` is true, with … where it is cut; the start of the body when no term matches.
 */
export function snippet(body: string, matches: (term: string) => boolean, width = SNIPPET_WIDTH): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text.length <= width) return text;
  const hit = tokens(text)
    .flatMap(spansOf)
    .find((s) => matches(s.term));
  // a little context before the term, the rest after it
  let start = Math.max(0, Math.min((hit?.start ?? 0) - Math.floor(width / 4), text.length - width));
  let end = Math.min(text.length, start + width);
  // never cut a surrogate pair in half
  if (isLowSurrogate(text, start)) start++;
  if (isLowSurrogate(text, end)) end--;
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}

function isLowSurrogate(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
}
