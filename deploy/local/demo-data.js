// Demo data for a local run: the repair studio of DOMAIN.md on a working morning.
// Talks to the running services over their public REST APIs only, with tokens signed by
// AUTH_JWT_SECRET (the development default when unset). Safe to run twice: Idempotency-Key.
'use strict';
const { SignJWT } = require('jose');

const INTAKE = process.env.INTAKE_URL ?? 'http://127.0.0.1:3001';
const SECRET = process.env.AUTH_JWT_SECRET ?? 'dev-only-secret-do-not-use-in-production';

const team = {
  lead: { id: 'm-lead-zhang', role: 'lead', name: '张老板' },
  senior: { id: 'm-senior-li', role: 'senior', name: '李工' },
  agentA: { id: 'm-agent-wang', role: 'agent', name: '小王' },
  agentB: { id: 'm-agent-chen', role: 'agent', name: '小陈' },
  desk: { id: 'cs-desk', role: 'intake', name: '客服部' },
};

const tickets = [
  { key: 'demo-1', body: { channel: 'wechat', customer: { name: '刘女士', wechat: 'liu_live_studio' }, deviceModel: 'OBS 推流主机 i7-12700', problem: '直播推流卡顿，码率掉到 500kbps', urgency: 'urgent' } },
  { key: 'demo-2', body: { channel: 'phone', customer: { name: '赵先生', phone: '+86 139 0000 1111' }, deviceModel: 'Lenovo ThinkPad X1', problem: '开机蓝屏 0x0000007B', urgency: 'urgent' } },
  { key: 'demo-3', body: { channel: 'web', customer: { name: 'Ms. Zhou', phone: '+86 137 2222 3333' }, deviceModel: 'HP LaserJet M1136', problem: 'Printer not detected after Windows update', urgency: 'normal' } },
  { key: 'demo-4', body: { channel: 'cs-desk', customer: { name: '孙经理', phone: '+86 136 4444 5555' }, deviceModel: 'Sony A7M4 + 采集卡', problem: '采集卡无信号，直播画面黑屏', urgency: 'urgent' } },
  { key: 'demo-5', body: { channel: 'api', customer: { name: '吴女士', wechat: 'wu_shop' }, deviceModel: 'MacBook Air M2', problem: '无法开机，充电指示灯不亮', urgency: 'normal' } },
];

// what happens to each demo ticket after it is opened: [who, command, body]
const work = {
  'demo-1': [
    ['lead', 'assignment', { assignee: team.agentA, tier: 'L1' }],
    ['agentA', 'contact', { channel: 'wechat', note: '远程连接客户推流机' }],
    ['agentA', 'diagnosis', { faultCategory: 'streaming', scenario: 'encoder-overload', difficulty: 'common' }],
  ],
  'demo-2': [
    ['lead', 'assignment', { assignee: team.agentB, tier: 'L1' }],
    ['agentB', 'contact', { channel: 'phone' }],
    ['agentB', 'diagnosis', { faultCategory: 'operating-system', scenario: 'blue-screen-storage-driver', difficulty: 'common' }],
    ['agentB', 'quote', { amount: 15000, note: '远程修复 150 元' }],
    ['desk', 'quote/accept', {}],
    ['agentB', 'resolution', { resolution: '进入安全模式切换 AHCI 驱动后正常启动', remote: true }],
    ['desk', 'feedback', { satisfaction: 5, comment: '很快' }],
    ['agentB', 'close', {}],
  ],
  'demo-4': [
    ['lead', 'assignment', { assignee: team.agentA, tier: 'L1' }],
    ['agentA', 'escalation', { reason: '采集卡固件问题，超出 L1 范围' }],
  ],
};

async function token(member) {
  return new SignJWT({ role: member.role, name: member.name })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(member.id)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
}

async function call(member, method, path, body, headers = {}) {
  const response = await fetch(`${INTAKE}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(member)}`, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  return { status: response.status, answer };
}

async function main() {
  for (const ticket of tickets) {
    const opened = await call(team.desk, 'POST', '/v1/tickets', ticket.body, { 'Idempotency-Key': ticket.key });
    if (opened.status !== 201) throw new Error(`opening ${ticket.key}: ${opened.status} ${JSON.stringify(opened.answer)}`);
    if (opened.answer.version !== 1) {
      console.log(`[demo] ${ticket.key} already there (${opened.answer.id})`);
      continue;
    }
    for (const [who, command, body] of work[ticket.key] ?? []) {
      const done = await call(team[who], 'POST', `/v1/tickets/${opened.answer.id}/${command}`, body);
      if (done.status !== 200) throw new Error(`${ticket.key} ${command}: ${done.status} ${JSON.stringify(done.answer)}`);
    }
    const current = await call(team.lead, 'GET', `/v1/tickets/${opened.answer.id}`);
    console.log(`[demo] ${ticket.key} ${current.answer.state.padEnd(10)} ${opened.answer.id}  ${ticket.body.problem}`);
  }
  console.log(`[demo] lead token for trying the API:\n  export TOKEN=${await token(team.lead)}`);
}

main().catch((error) => {
  console.error(`[demo] failed: ${error.message}`);
  process.exit(1);
});
