import { DataSource } from 'typeorm';
import { openTestSchema } from '@support/test-kit';
import { decodeCursor } from '@support/service-kit';
import { SEARCH_CURSOR, SearchDocument, SearchIndex, SearchOptions } from './search.index';
import { searchMigration } from './search.migration';

const documents: SearchDocument[] = [
  {
    type: 'sop',
    id: 'sop-bsod',
    version: 3,
    title: 'Windows 蓝屏 0x0000007B 处理流程',
    tags: ['蓝屏', 'BSOD', 'blue screen'],
    body: '适用于开机后出现蓝屏、错误代码 0x0000007B（INACCESSIBLE_BOOT_DEVICE）的情况。1. 进入 BIOS 检查硬盘模式（AHCI/IDE）是否被改动。2. 用 PE 启动盘检查磁盘。3. 卸载最近安装的存储驱动。',
  },
  {
    type: 'faq',
    id: 'faq-no-power',
    version: 1,
    title: '笔记本无法开机怎么办',
    tags: ['电源'],
    body: '先确认电源适配器指示灯是否亮起；拔掉电池和外设后长按电源键 30 秒释放静电，再接上适配器开机。若仍然无法开机且风扇不转，请登记送修。',
  },
  {
    type: 'sop',
    id: 'sop-stream-lag',
    version: 2,
    title: '直播推流卡顿排查',
    tags: ['直播', 'OBS'],
    body: '检查上行带宽是否稳定；在 OBS 中把码率降到 2500kbps 以下；关闭占用带宽的下载；换成有线网络后重新推流。',
  },
  {
    type: 'sop',
    id: 'sop-printer',
    version: 1,
    title: 'Reinstalling a printer driver after a Windows update',
    tags: ['printing'],
    body: "After a Windows feature update the print spooler may lose the driver. Remove the device, delete the old driver package in Print Management, then install the vendor's latest driver and print a test page.",
  },
  {
    type: 'case',
    id: 'case-capture',
    version: 1,
    title: '采集卡无信号',
    body: '客户直播时采集卡无信号，OBS 预览黑屏。换了一根 HDMI 线后恢复，原因是线材接触不良。直播推流正常。',
  },
  {
    type: 'case',
    id: 'case-reboot',
    version: 4,
    title: '客户电脑反复重启',
    body: '客户电脑开机后蓝屏并反复重启。蓝屏代码 0x0000007B。按蓝屏处理流程改回 BIOS 硬盘模式后恢复，蓝屏不再出现。',
  },
  {
    type: 'faq',
    id: 'faq-bluetooth',
    version: 1,
    title: '蓝牙耳机无法连接电脑',
    body: '在系统设置中删除该设备后重新配对；仍然无法连接时更新蓝牙驱动。',
  },
];

describe('SearchIndex on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof openTestSchema>>;
  let dataSource: DataSource;
  let index: SearchIndex;

  const upsert = (doc: SearchDocument) => dataSource.transaction((m) => index.upsert(m, doc));
  const search = async (query: string, options?: SearchOptions) => (await index.search(dataSource, query, { limit: 50 }, options)).items;
  const ids = async (query: string, options?: SearchOptions) => (await search(query, options)).map((hit) => hit.id);

  beforeAll(async () => {
    db = await openTestSchema('kbsearch', (schema) => [searchMigration(schema)]);
    dataSource = db.dataSource;
    index = new SearchIndex(db.schema);
    for (const doc of documents) await upsert(doc);
  });
  afterAll(() => db.drop());

  it.each([
    ['蓝屏', 'sop-bsod'],
    ['无法开机', 'faq-no-power'],
    ['直播推流卡顿', 'sop-stream-lag'],
    ['采集卡无信号', 'case-capture'],
    ['蓝牙 无法连接', 'faq-bluetooth'],
  ])('finds %s with %s first', async (query, expected) => {
    expect((await ids(query))[0]).toBe(expected);
  });

  it('needs every term: a document with some of the bigrams only is not found', async () => {
    // case-capture says 直播推流 but not 卡顿; faq-bluetooth says 无法 but not 开机
    expect(await ids('直播推流卡顿')).toEqual(['sop-stream-lag']);
    expect(await ids('无法开机')).toEqual(['faq-no-power']);
    expect(await ids('蓝屏 打印机')).toEqual([]);
  });

  it('finds English queries, through tags and stems too', async () => {
    expect(await ids('blue screen')).toEqual(['sop-bsod']);
    expect(await ids('BSOD')).toEqual(['sop-bsod']);
    expect(await ids('printer driver')).toEqual(['sop-printer']);
    // english stemming: printers -> printer, reinstall -> reinstal(ling)
    expect(await ids('printers')).toEqual(['sop-printer']);
    expect(await ids('reinstall drivers')).toEqual(['sop-printer']);
    // stop words are not required
    expect(await ids('the printer')).toEqual(['sop-printer']);
  });

  it('ranks a title match above a body-only match, however often the body repeats the term', async () => {
    const hits = await search('蓝屏');
    expect(hits.map((h) => h.id)).toEqual(['sop-bsod', 'case-reboot']);
    expect(hits[0].rank).toBeGreaterThan(hits[1].rank);
    expect(await ids('0x0000007B')).toEqual(['sop-bsod', 'case-reboot']);
    // a body that says the term ten times still comes after a title that says it once (ids sort the other way)
    await upsert({ type: 'sop', id: 'z-splice', version: 1, title: '光纤熔接', body: '准备熔接机。' });
    await upsert({ type: 'sop', id: 'a-patrol', version: 1, title: '机房巡检', body: '检查光纤。'.repeat(10) });
    expect(await ids('光纤')).toEqual(['z-splice', 'a-patrol']);
    await dataSource.transaction(async (m) => {
      await index.remove(m, 'sop', 'z-splice');
      await index.remove(m, 'sop', 'a-patrol');
    });
    // mixed query: both terms in title and tags of the SOP, in the body only of the case
    expect(await ids('OBS 推流')).toEqual(['sop-stream-lag', 'case-capture']);
  });

  it('matches a single CJK character as a prefix, also where it only ends a run', async () => {
    // 屏 ends the runs 蓝屏 and 黑屏 and starts none
    expect(await ids('屏')).toEqual(['sop-bsod', 'case-reboot', 'case-capture']);
    expect(await ids('卡', { types: ['case'] })).toEqual(['case-capture']);
  });

  it('returns versions and a snippet of the body around the match', async () => {
    const [hit] = await search('无法开机');
    expect(hit).toMatchObject({ type: 'faq', id: 'faq-no-power', version: 1, title: '笔记本无法开机怎么办' });
    expect(hit.snippet).toContain('电源适配器');
    const long = {
      type: 'sop' as const,
      id: 'sop-long',
      version: 1,
      title: '网络排障',
      body: `${'先检查网线和交换机端口。'.repeat(30)}最后重置光猫配置。${'记录处理结果。'.repeat(30)}`,
    };
    await upsert(long);
    const [longHit] = await search('光猫');
    expect(longHit.id).toBe('sop-long');
    expect(longHit.snippet).toContain('重置光猫配置');
    expect(longHit.snippet.length).toBeLessThanOrEqual(162);
    // a stemmed match: the query says spoolers, the body spooler
    const english = {
      type: 'sop' as const,
      id: 'sop-long-en',
      version: 1,
      title: 'Office network',
      body: `${'Check the cables. '.repeat(20)}Then restart the spooler service. ${'Write it down. '.repeat(20)}`,
    };
    await upsert(english);
    const [englishHit] = await search('spoolers');
    expect(englishHit.id).toBe('sop-long-en');
    expect(englishHit.snippet).toContain('restart the spooler service');
    await dataSource.transaction(async (m) => {
      await index.remove(m, 'sop', 'sop-long');
      await index.remove(m, 'sop', 'sop-long-en');
    });
  });

  it('replaces the old version and its terms on upsert', async () => {
    await upsert({ type: 'faq', id: 'faq-router', version: 1, title: '路由器指示灯闪烁', body: '重启路由器。' });
    expect(await search('路由器')).toMatchObject([{ id: 'faq-router', version: 1 }]);
    await upsert({ type: 'faq', id: 'faq-router', version: 2, title: '光猫 LOS 灯红色闪烁', body: '检查光纤是否弯折，联系运营商。' });
    expect(await search('路由器')).toEqual([]);
    expect(await search('LOS 闪烁')).toMatchObject([{ id: 'faq-router', version: 2, title: '光猫 LOS 灯红色闪烁' }]);
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM "${db.schema}".search_documents WHERE doc_id = 'faq-router'`);
    expect(count).toBe(1);
  });

  it('filters by type', async () => {
    expect(await ids('0x0000007B', { types: ['case'] })).toEqual(['case-reboot']);
    expect(await ids('无法', { types: ['faq'] })).toEqual(['faq-bluetooth', 'faq-no-power']);
    expect(await ids('无法', { types: ['sop'] })).toEqual([]);
    expect(await ids('无法', { types: [] })).toEqual(['faq-bluetooth', 'faq-no-power']);
  });

  it('removes a document', async () => {
    await upsert({ type: 'case', id: 'case-gone', version: 1, title: '投影仪无画面', body: '更换投影仪电源线。' });
    expect(await ids('投影仪')).toEqual(['case-gone']);
    await dataSource.transaction((m) => index.remove(m, 'case', 'case-gone'));
    expect(await ids('投影仪')).toEqual([]);
    // removing it again, or something never indexed, is fine
    await dataSource.transaction((m) => index.remove(m, 'case', 'case-gone'));
  });

  it('is harmless with quotes, backslashes and SQL in the query', async () => {
    expect(await search("'; drop table search_documents; --")).toEqual([]);
    expect(await search(`\\' " \\\\ & | ! ( ) :* <->`)).toEqual([]);
    expect(await ids(`printer's "driver" \\'`)).toEqual(['sop-printer']);
    expect(await ids("蓝屏' OR 'x'='y")).toEqual([]);
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM "${db.schema}".search_documents`);
    expect(count).toBeGreaterThanOrEqual(documents.length);
  });

  it('finds nothing for an empty, term-less or stop-word-only query', async () => {
    expect(await search('')).toEqual([]);
    expect(await search('  ？！，。 ')).toEqual([]);
    expect(await search('the a of')).toEqual([]);
  });

  it('pages by rank, then id: a cursor walk yields every hit once, in order, and ends', async () => {
    await dataSource.transaction(async (m) => {
      for (let i = 0; i < 120; i++) {
        await index.upsert(m, { type: 'case', id: `bulk-${String(i).padStart(3, '0')}`, version: 1, title: `批量样本 ${i}`, body: '用于分页的样本。' });
      }
    });
    const bulk = Array.from({ length: 120 }, (_, i) => `bulk-${String(i).padStart(3, '0')}`);
    expect(await ids('批量样本')).toEqual(bulk.slice(0, 50));
    const walked: string[] = [];
    let page = await index.search(dataSource, '批量样本', { limit: 7 });
    for (;;) {
      walked.push(...page.items.map((hit) => hit.id));
      if (page.nextCursor === null) break;
      page = await index.search(dataSource, '批量样本', { limit: 7, after: decodeCursor(page.nextCursor, SEARCH_CURSOR)! });
    }
    expect(walked).toEqual(bulk);
    // a full last page says so itself: no empty page after it
    expect((await index.search(dataSource, '批量样本', { limit: 120 })).nextCursor).toBeNull();
  });
});
