// Demo data for a local run: the repair studio of DOMAIN.md on a working morning.
// Talks to the running services over their public REST APIs only, with tokens signed by
// AUTH_JWT_SECRET (the development default when unset). Safe to run twice: Idempotency-Key.
'use strict';
const { DEV_JWT_SECRET, ROLES, secret, signToken } = require('./sign-token');

const INTAKE = process.env.INTAKE_URL ?? 'http://127.0.0.1:3001';
const ROUTING = process.env.ROUTING_URL ?? 'http://127.0.0.1:3002';
const FIELD = process.env.FIELD_SERVICE_URL ?? 'http://127.0.0.1:3004';
const KNOWLEDGE = process.env.KNOWLEDGE_BASE_URL ?? 'http://127.0.0.1:3005';
const LEADS = process.env.LEAD_POOL_URL ?? 'http://127.0.0.1:3006';

const team = {
  lead: { id: 'm-lead-zhang', role: 'lead', name: '张老板' },
  senior: { id: 'm-senior-li', role: 'senior', name: '李工' },
  agentA: { id: 'm-agent-wang', role: 'agent', name: '小王' },
  agentB: { id: 'm-agent-chen', role: 'agent', name: '小陈' },
  contractor: { id: 'c-zhou', role: 'contractor', name: '周师傅' },
  desk: { id: 'cs-desk', role: 'intake', name: '客服部' },
};

// the studio's roster (DOMAIN.md): one lead, one senior, two agents, one contractor for two fixed scenarios
const roster = [
  { member: team.lead, tier: 'L3', skills: [], scenarios: [], capacity: 10 },
  { member: team.senior, tier: 'L2', skills: ['hardware', 'streaming', 'operating-system'], scenarios: [], capacity: 8 },
  { member: team.agentA, tier: 'L1', skills: ['streaming', 'operating-system'], scenarios: [], capacity: 5 },
  { member: team.agentB, tier: 'L1', skills: ['operating-system', 'printer'], scenarios: [], capacity: 5 },
  { member: team.contractor, tier: 'L1', skills: [], scenarios: ['printer-driver-reinstall', 'os-reinstall'], capacity: 3 },
];

const tickets = [
  {
    key: 'studio-1',
    body: {
      channel: 'wechat',
      customer: { name: '刘女士', wechat: 'liu_live_studio' },
      deviceModel: 'OBS 推流主机 i7-12700',
      problem: '直播推流卡顿，码率掉到 500kbps',
      urgency: 'urgent',
      triage: { faultCategory: 'streaming' },
    },
  },
  {
    key: 'studio-2',
    body: {
      channel: 'phone',
      customer: { name: '赵先生', phone: '+86 139 0000 1111' },
      deviceModel: 'Lenovo ThinkPad X1',
      problem: '开机蓝屏 0x0000007B',
      urgency: 'urgent',
      triage: { faultCategory: 'operating-system' },
    },
  },
  {
    key: 'studio-3',
    body: {
      channel: 'web',
      customer: { name: 'Ms. Zhou', phone: '+86 137 2222 3333' },
      deviceModel: 'HP LaserJet M1136',
      problem: 'Printer not detected after Windows update',
      urgency: 'normal',
      triage: { faultCategory: 'printer', scenario: 'printer-driver-reinstall', difficulty: 'fixed-scenario' },
    },
  },
  {
    key: 'studio-4',
    body: {
      channel: 'cs-desk',
      customer: { name: '孙经理', phone: '+86 136 4444 5555' },
      deviceModel: 'Sony A7M4 + 采集卡',
      problem: '采集卡无信号，直播画面黑屏',
      urgency: 'urgent',
      triage: { faultCategory: 'streaming' },
    },
  },
  {
    key: 'studio-5',
    body: { channel: 'api', customer: { name: '吴女士', wechat: 'wu_shop' }, deviceModel: 'MacBook Air M2', problem: '无法开机，充电指示灯不亮', urgency: 'normal' },
  },
];

// what happens to some demo tickets once routing has assigned them: [who, command, body]
const work = {
  'studio-1': [
    ['assignee', 'contact', { channel: 'wechat', note: '远程连接客户推流机' }],
    ['assignee', 'diagnosis', { faultCategory: 'streaming', scenario: 'encoder-overload', difficulty: 'common' }],
  ],
  'studio-2': [
    ['assignee', 'contact', { channel: 'phone' }],
    ['assignee', 'diagnosis', { faultCategory: 'operating-system', scenario: 'blue-screen-storage-driver', difficulty: 'common' }],
    ['assignee', 'quote', { amount: 15000, note: '远程修复 150 元' }],
    ['desk', 'quote/accept', {}],
    ['assignee', 'resolution', { resolution: '进入安全模式切换 AHCI 驱动后正常启动', remote: true }],
    ['desk', 'feedback', { satisfaction: 5, comment: '很快' }],
    ['assignee', 'close', {}],
  ],
  'studio-4': [['assignee', 'escalation', { reason: '采集卡固件问题，超出 L1 范围' }]],
  'studio-5': [
    ['assignee', 'contact', { channel: 'wechat' }],
    ['assignee', 'diagnosis', { faultCategory: 'hardware', scenario: 'no-power', difficulty: 'common' }],
  ],
};

/** studio-5 cannot be fixed remotely: a visit tomorrow at 10:00 Shanghai time, prepared today */
async function bookVisit(ticketId, technician) {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const start = new Date(`${tomorrow}T02:00:00Z`);
  let requested;
  // field-service learns of the ticket from Kafka: it may take a moment
  for (let i = 0; i < 50 && requested?.status !== 201; i++) {
    requested = await call(technician, 'POST', '/v1/visits', { ticketId, reason: '远程无法诊断电源故障，需上门检测' }, { 'Idempotency-Key': `studio-5-visit-${ticketId}` }, FIELD);
    if (requested.status !== 201) await new Promise((r) => setTimeout(r, 100));
  }
  if (requested.status !== 201) throw new Error(`requesting a visit: ${requested.status} ${JSON.stringify(requested.answer)}`);
  const visit = `/v1/visits/${requested.answer.id}`;
  // a second run replays the request: the visit is booked already
  if ((await call(technician, 'GET', visit, undefined, {}, FIELD)).answer.status !== 'requested') return requested.answer.id;
  const steps = [
    [
      'schedule',
      {
        technician: { id: technician.id, role: technician.role, name: technician.name },
        window: { start: start.toISOString(), end: new Date(start.getTime() + 2 * 3_600_000).toISOString() },
        address: '上海市静安区南京西路 1266 号 18 楼',
      },
    ],
    [
      'preparation',
      {
        checklist: {
          tools: ['螺丝刀套装', '万用表'],
          spareParts: ['USB-C 电源适配器 67W'],
          addressConfirmed: true,
          deviceStateConfirmed: true,
          deviceState: '无法开机，充电指示灯不亮',
        },
      },
    ],
  ];
  for (const [step, body] of steps) {
    const done = await call(technician, 'POST', `${visit}/${step}`, body, {}, FIELD);
    if (done.status !== 200) throw new Error(`visit ${step}: ${done.status} ${JSON.stringify(done.answer)}`);
  }
  return requested.answer.id;
}

// the studio's standard solutions: written by the senior, reviewed and published by the lead
const articles = [
  {
    key: 'sop-printer',
    scenario: { id: 'printer-driver-reinstall', faultCategory: 'printer', name: '打印机驱动重装', fixed: true },
    article: {
      kind: 'sop',
      title: '打印机驱动重装 SOP',
      body: '1. 卸载旧驱动并清空打印队列\n2. 重启电脑\n3. 从厂商官网安装对应型号驱动\n4. 打印测试页',
      tags: ['printer', '打印机'],
    },
  },
  {
    key: 'sop-os',
    scenario: { id: 'os-reinstall', faultCategory: 'operating-system', name: '系统重装', fixed: true },
    article: { kind: 'sop', title: 'Windows 系统重装 SOP', body: '1. 备份用户数据\n2. 用官方镜像制作 U 盘\n3. 重装并安装驱动\n4. 恢复数据，确认激活', tags: ['windows'] },
  },
  {
    key: 'sop-bluescreen',
    scenario: { id: 'blue-screen-storage-driver', faultCategory: 'operating-system', name: '蓝屏（存储驱动）', fixed: false },
    article: {
      kind: 'sop',
      title: 'Windows 蓝屏 0x0000007B 处理流程',
      body: '进入 BIOS 确认硬盘模式（AHCI / RAID），安全模式下切换存储驱动后重启。Blue screen INACCESSIBLE_BOOT_DEVICE.',
      tags: ['蓝屏', 'bsod'],
    },
  },
  {
    key: 'faq-no-power',
    article: { kind: 'faq', title: '笔记本无法开机怎么办', body: '先看充电指示灯；换电源适配器试；长按电源键 30 秒放电后再开机。仍不亮则预约上门检测。', tags: ['无法开机'] },
  },
  {
    key: 'sop-streaming',
    scenario: { id: 'encoder-overload', faultCategory: 'streaming', name: '直播推流卡顿（编码过载）', fixed: false },
    article: { kind: 'sop', title: '直播推流卡顿排查', body: '检查上行带宽；OBS 统计里看编码过载；切换 NVENC 硬件编码或降低输出分辨率。', tags: ['直播', 'obs'] },
  },
];

async function setUpKnowledge() {
  for (const { key, scenario, article } of articles) {
    const drafted = await call(team.senior, 'POST', '/v1/articles', scenario ? { ...article, scenarioId: scenario.id } : article, { 'Idempotency-Key': `demo-${key}` }, KNOWLEDGE);
    if (drafted.status !== 201) throw new Error(`writing ${key}: ${drafted.status} ${JSON.stringify(drafted.answer)}`);
    const current = await call(team.lead, 'GET', `/v1/articles/${drafted.answer.id}`, undefined, {}, KNOWLEDGE);
    if (current.answer.status === 'draft') {
      await call(team.senior, 'POST', `/v1/articles/${drafted.answer.id}/submission`, undefined, {}, KNOWLEDGE);
      const published = await call(team.lead, 'POST', `/v1/articles/${drafted.answer.id}/publication`, undefined, {}, KNOWLEDGE);
      if (published.status !== 200) throw new Error(`publishing ${key}: ${published.status} ${JSON.stringify(published.answer)}`);
    }
    if (scenario) {
      const { id, ...fields } = scenario;
      const put = await call(team.lead, 'PUT', `/v1/scenarios/${id}`, { ...fields, sopArticleId: drafted.answer.id }, {}, KNOWLEDGE);
      if (put.status !== 200 && put.status !== 201) throw new Error(`scenario ${id}: ${put.status} ${JSON.stringify(put.answer)}`);
    }
  }
  console.log(`[demo] knowledge base: ${articles.length} articles published, ${articles.filter((a) => a.scenario).length} scenarios in the catalogue`);
}

// the studio's lead pool: the two agents and the senior share new customers 2 : 2 : 1
async function setUpLeadPool() {
  const ratios = {
    ratios: [
      { memberId: team.agentA.id, weight: 2 },
      { memberId: team.agentB.id, weight: 2 },
      { memberId: team.senior.id, weight: 1 },
    ],
    acceptMinutes: 30,
  };
  let set;
  // the pool learns the roster from routing's events: it may take a moment
  for (let i = 0; i < 50 && set?.status !== 200; i++) {
    set = await call(team.lead, 'PUT', '/v1/ratios', ratios, {}, LEADS);
    if (set.status !== 200) await new Promise((r) => setTimeout(r, 200));
  }
  if (set.status !== 200) throw new Error(`setting the lead ratios: ${set.status} ${JSON.stringify(set.answer)}`);
  const leads = [
    [team.agentA, { platform: 'douyin', account: '@studio-wang', customerHandle: '直播小白兔', contact: { wechat: 'xbt_live' }, note: '想咨询推流主机配置' }],
    [team.senior, { platform: 'bilibili', account: '李工修电脑', customerHandle: 'UP主阿明', contact: { phone: '+86 135 7777 8888' } }],
    [team.agentB, { platform: 'wechat-official', account: '小陈的修机日记', customerHandle: '赵老师', contact: { phone: '+86 131 2222 9999' }, note: '学校机房 20 台电脑' }],
  ];
  for (const [member, lead] of leads) {
    const captured = await call(member, 'POST', '/v1/leads', lead, {}, LEADS);
    if (captured.status !== 201 && captured.status !== 200) throw new Error(`capturing a lead: ${captured.status} ${JSON.stringify(captured.answer)}`);
  }
  console.log(`[demo] lead pool: ratios 2:2:1, ${leads.length} leads captured and allocated`);
}

function token(member) {
  return signToken(member, '1h');
}

async function call(member, method, path, body, headers = {}, base = INTAKE) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(member)}`, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  return { status: response.status, answer };
}

async function setUpRoster() {
  for (const { member, ...profile } of roster) {
    const registered = await call(team.lead, 'POST', '/v1/members', { memberId: member.id, role: member.role, name: member.name, ...profile, onDuty: true }, {}, ROUTING);
    if (registered.status === 201) console.log(`[demo] roster: ${member.name} (${member.role}, ${profile.tier}) on duty`);
    else if (registered.status !== 409) throw new Error(`registering ${member.id}: ${registered.status} ${JSON.stringify(registered.answer)}`);
  }
}

/** routing assigns asynchronously: wait until the ticket has an assignee (null: it waits in the queue) */
async function assigneeOf(ticketId) {
  // up to 30 s: routing may still be reading the topic's history when it has just started
  for (let i = 0; i < 300; i++) {
    const { answer } = await call(team.lead, 'GET', `/v1/tickets/${ticketId}`);
    if (answer.assignee) return answer.assignee;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

async function main() {
  await setUpRoster();
  await setUpKnowledge();
  await setUpLeadPool();
  for (const ticket of tickets) {
    const opened = await call(team.desk, 'POST', '/v1/tickets', ticket.body, { 'Idempotency-Key': ticket.key });
    if (opened.status !== 201) throw new Error(`opening ${ticket.key}: ${opened.status} ${JSON.stringify(opened.answer)}`);
    const assignee = await assigneeOf(opened.answer.id);
    const worker = assignee && (Object.values(team).find((m) => m.id === assignee.id) ?? assignee);
    const current = await call(team.lead, 'GET', `/v1/tickets/${opened.answer.id}`);
    // a second run finds the work done already (received + assigned = version 2)
    if (worker && current.answer.version <= 2) {
      for (const [who, command, body] of work[ticket.key] ?? []) {
        const done = await call(who === 'assignee' ? worker : team[who], 'POST', `/v1/tickets/${opened.answer.id}/${command}`, body);
        if (done.status !== 200) throw new Error(`${ticket.key} ${command}: ${done.status} ${JSON.stringify(done.answer)}`);
      }
    }
    if (worker && ticket.key === 'studio-5') console.log(`[demo] studio-5 on-site visit booked and prepared: ${await bookVisit(opened.answer.id, worker)}`);
    const now = await call(team.lead, 'GET', `/v1/tickets/${opened.answer.id}`);
    console.log(`[demo] ${ticket.key} ${now.answer.state.padEnd(11)} ${(now.answer.assignee?.name ?? '').padEnd(4)} ${opened.answer.id}  ${ticket.body.problem}`);
  }
  console.log(howToCall(await signToken(team.lead)));
}

// what a newcomer needs to try the README's examples: a lead's token, the secret, and how to sign other roles' tokens
function howToCall(leadToken) {
  const ttl = process.env.TOKEN_TTL || '12h';
  const where = secret() === DEV_JWT_SECRET ? `AUTH_JWT_SECRET=${DEV_JWT_SECRET} (the development default)` : 'the AUTH_JWT_SECRET of your environment';
  return [
    `[demo] ${team.lead.name}'s token (role lead, ${team.lead.id}, valid ${ttl}) for the README's examples:`,
    `  export TOKEN=${leadToken}`,
    `[demo] tokens are HS256 JWTs signed with ${where}; another role's (${ROLES.join(', ')}):`,
    `  node deploy/local/sign-token.js senior ${team.senior.id} ${team.senior.name}`,
    `[demo] every README example in one script: bash docs/examples/walkthrough.sh`,
  ].join('\n');
}

main().catch((error) => {
  console.error(`[demo] failed: ${error.message}`);
  process.exit(1);
});
