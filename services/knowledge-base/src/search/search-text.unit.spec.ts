import { indexTerms, isLoneCjk, MAX_QUERY_TERMS, MAX_TERM_LENGTH, queryTerms, searchTerms, snippet } from './search-text';

describe('searchTerms', () => {
  it('splits mixed Chinese and Latin text into words and CJK bigrams', () => {
    expect(searchTerms('OBS推流卡顿 500kbps')).toEqual(['obs', '推流', '流卡', '卡顿', '500kbps']);
  });

  it('lower-cases Latin words and splits on anything that is not a letter or digit', () => {
    expect(searchTerms('Windows 蓝屏 0x0000007B, printer-driver (v2.1)!')).toEqual(['windows', '蓝屏', '0x0000007b', 'printer', 'driver', 'v2', '1']);
  });

  it('keeps a one-character CJK run as that character and one-character words', () => {
    expect(searchTerms('卡 a 屏')).toEqual(['卡', 'a', '屏']);
  });

  it('treats CJK punctuation and spaces as run breaks', () => {
    expect(searchTerms('无法开机，蓝屏。怎么办？')).toEqual(['无法', '法开', '开机', '蓝屏', '怎么', '么办']);
  });

  it('segments Japanese and Korean runs too, keeping the prolonged sound mark inside a word', () => {
    expect(searchTerms('プリンター')).toEqual(['プリ', 'リン', 'ンタ', 'ター']);
    expect(searchTerms('블루스크린')).toEqual(['블루', '루스', '스크', '크린']);
  });

  it('folds full-width letters, digits and half-width katakana', () => {
    expect(searchTerms('ＯＢＳ５００ ｱｲ')).toEqual(['obs500', 'アイ']);
  });

  it('keeps accented words whole (composed) and pairs Han characters outside the BMP', () => {
    expect(searchTerms('Café re\u0301sume\u0301')).toEqual(['café', 'résumé']);
    expect(searchTerms('𠀋𠀌')).toEqual(['𠀋𠀌']);
  });

  it('drops pure punctuation, symbols and over-long words', () => {
    expect(searchTerms(`'; drop table x; -- && |!():* ${'a'.repeat(MAX_TERM_LENGTH + 1)}`)).toEqual(['drop', 'table', 'x']);
    expect(searchTerms(' ,.;!?—…“”·、。 ')).toEqual([]);
    expect(searchTerms('')).toEqual([]);
  });
});

describe('indexTerms', () => {
  it('adds the last character of each CJK run after the terms, so one-character queries find it', () => {
    expect(indexTerms('采集卡 无信号 OBS')).toEqual(['采集', '集卡', '无信', '信号', 'obs', '卡', '号']);
    expect(indexTerms('卡')).toEqual(['卡']);
  });
});

describe('queryTerms', () => {
  it('gives the distinct terms of a query, in order', () => {
    expect(queryTerms('蓝屏 蓝屏 Blue blue screen')).toEqual(['蓝屏', 'blue', 'screen']);
  });

  it('keeps at most MAX_QUERY_TERMS terms', () => {
    const words = Array.from({ length: MAX_QUERY_TERMS + 10 }, (_, i) => `w${i}`).join(' ');
    expect(queryTerms(words)).toHaveLength(MAX_QUERY_TERMS);
  });

  it('has no terms for a query of punctuation', () => {
    expect(queryTerms(`"' \\ ;-- ？`)).toEqual([]);
  });
});

describe('isLoneCjk', () => {
  it('is true only for one CJK character', () => {
    expect(['卡', 'ア', '블'].map(isLoneCjk)).toEqual([true, true, true]);
    expect(['卡顿', 'a', '1', ''].map(isLoneCjk)).toEqual([false, false, false, false]);
  });
});

describe('snippet', () => {
  const filler = (n: number) => '准备工作说明。'.repeat(n);

  it('returns a short body whole, white space collapsed', () => {
    expect(snippet('步骤一\n\n  重启电脑', () => false)).toBe('步骤一 重启电脑');
  });

  it('shows the text around the first matching term, cut with ellipses', () => {
    const body = `${filler(40)}重点：检查推流码率。${filler(40)}`;
    const text = snippet(body, (t) => t === '码率');
    expect(text).toContain('检查推流码率');
    expect(text.startsWith('…')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(162);
  });

  it('starts at the beginning when no term matches', () => {
    const text = snippet(filler(60), () => false);
    expect(text.startsWith('准备工作')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
  });

  it('shows the end of the body for a match near the end', () => {
    const text = snippet(`${filler(60)} final step`, (t) => t === 'final');
    expect(text.endsWith('final step')).toBe(true);
  });

  it('never cuts a surrogate pair', () => {
    const body = '𠀋'.repeat(300);
    const text = snippet(body, (t) => t === '𠀋𠀋');
    expect(text.replace(/…/g, '')).toMatch(/^(𠀋)+$/u);
  });
});
