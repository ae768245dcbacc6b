import { randomUUID } from 'node:crypto';
import { everyItem, jsonRequest, RunningSystem, startSystem, waitFor } from './support/system-harness';

// intake, routing and lead-pool over real HTTP, Kafka and PostgreSQL: the roster comes from routing, tickets from intake
describe('the lead pool with the rest of the system', () => {
  let system: RunningSystem;
  let lead: string;
  let wang: string;
  let desk: string;
  const [wangId, chenId] = [`m-wang-${randomUUID().slice(0, 6)}`, `m-chen-${randomUUID().slice(0, 6)}`];

  beforeAll(async () => {
    system = await startSystem({ leadPool: true });
    lead = await system.token({ role: 'lead', id: 'm-lead' });
    wang = await system.token({ role: 'agent', id: wangId });
    desk = await system.token({ role: 'intake', id: 'cs-desk' });
    for (const memberId of [wangId, chenId]) {
      const registered = await jsonRequest(`${system.routing.url}/v1/members`, lead, 'POST', {
        memberId,
        role: 'agent',
        name: memberId,
        tier: 'L1',
        capacity: 50,
        skills: [],
        scenarios: [],
        onDuty: true,
      });
      expect(registered.status).toBe(201);
    }
    await waitFor(
      'the pool to know the roster',
      async () => (await system.leads!.runtime.repository.members(system.leads!.runtime.dataSource)).filter((m) => m.onDuty).length === 2,
    );
    const ratios = await jsonRequest(`${system.leads!.url}/v1/ratios`, lead, 'PUT', {
      ratios: [
        { memberId: wangId, weight: 1 },
        { memberId: chenId, weight: 1 },
      ],
      acceptMinutes: 60,
    });
    expect(ratios.status).toBe(200);
  }, 90_000);

  afterAll(async () => {
    await system?.stop();
  });

  const pool = async (path: string, token: string, method = 'GET', body?: unknown) => {
    const response = await jsonRequest(`${system.leads!.url}${path}`, token, method, body);
    return { status: response.status, body: await response.json() };
  };
  const capture = (phone: string) => pool('/v1/leads', lead, 'POST', { platform: 'douyin', account: '@studio', customerHandle: '推流小王', contact: { phone }, memberId: wangId });
  const tokenOf = async (memberId: string) => system.token({ role: 'agent', id: memberId });

  it('converts an accepted lead into a ticket (channel lead) caused by the conversion, on real Kafka', async () => {
    const phone = `+86 137 ${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
    const captured = await capture(phone);
    expect(captured.status).toBe(201);
    const holder = await tokenOf(captured.body.allocatedTo);
    expect((await pool(`/v1/leads/${captured.body.id}/acceptance`, holder, 'POST')).body).toMatchObject({ status: 'accepted' });
    const converted = await pool(`/v1/leads/${captured.body.id}/conversion`, holder, 'POST', {
      deviceModel: 'OBS 推流主机',
      problem: '想升级直播设备，推流卡顿',
      urgency: 'normal',
    });
    expect(converted.body).toMatchObject({ status: 'converted' });

    const ticketId = await waitFor('the ticket linked to the lead', async () => (await pool(`/v1/leads/${captured.body.id}`, lead)).body.ticketId);
    const ticket = await (await jsonRequest(`${system.intake.url}/v1/tickets/${ticketId}`, lead, 'GET')).json();
    expect(ticket).toMatchObject({ channel: 'lead', customer: { name: '推流小王', phone }, deviceModel: 'OBS 推流主机', urgency: 'normal' });
    const [received] = await (await jsonRequest(`${system.intake.url}/v1/tickets/${ticketId}/history`, lead, 'GET')).json();
    const conversion = (await pool(`/v1/leads/${captured.body.id}/history`, lead)).body.find((h: { type: string }) => h.type === 'support.lead.converted.v1');
    expect(received).toMatchObject({ type: 'support.ticket.received.v1', causationId: conversion.id });
  });

  it('flags a ticket opened for a contact a member holds as an un-accepted lead', async () => {
    const phone = `+86 136 ${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
    const captured = await capture(phone);
    expect(captured.body.status).toBe('allocated');
    const opened = await jsonRequest(`${system.intake.url}/v1/tickets`, desk, 'POST', {
      channel: 'wechat',
      customer: { name: '推流小王', phone },
      deviceModel: 'OBS',
      problem: '推流卡顿',
      urgency: 'normal',
    });
    expect(opened.status).toBe(201);
    const { id: ticketId } = await opened.json();
    const flag = await waitFor('the hoarding flag', async () =>
      (await everyItem('/v1/hoarding-flags', async (path) => (await pool(path, lead)).body)).find((f: { ticketId: string }) => f.ticketId === ticketId),
    );
    expect(flag).toEqual({ leadId: captured.body.id, ticketId, memberId: captured.body.allocatedTo, leadStatus: 'allocated' });
    expect((await pool('/v1/hoarding-flags', wang)).status).toBe(403);
  });

  it('names a member of the ratios who is off duty, says why a lead waits, and allocates it once routing puts them on duty', async () => {
    const sunId = `m-sun-${randomUUID().slice(0, 6)}`;
    const registered = await jsonRequest(`${system.routing.url}/v1/members`, lead, 'POST', {
      memberId: sunId,
      role: 'agent',
      name: sunId,
      tier: 'L1',
      capacity: 50,
      skills: [],
      scenarios: [],
      onDuty: false,
    });
    expect(registered.status).toBe(201);
    await waitFor('the pool to know the new member', async () =>
      (await system.leads!.runtime.repository.members(system.leads!.runtime.dataSource)).some((m) => m.memberId === sunId),
    );
    const ratios = await pool('/v1/ratios', lead, 'PUT', { ratios: [{ memberId: sunId, weight: 1 }], acceptMinutes: 60 });
    expect(ratios.status).toBe(200);
    expect(ratios.body).toMatchObject({ offDuty: [sunId], warnings: [expect.stringContaining(sunId)] });

    const captured = await capture(`+86 135 ${Math.floor(10_000_000 + Math.random() * 89_999_999)}`);
    expect(captured.body).toMatchObject({ status: 'pooled', waitingReason: { code: 'no-member-on-duty' } });
    expect((await pool('/v1/ledger', lead)).body.pool).toMatchObject({ waiting: 1, oldestWaitingSince: expect.any(String) });

    // routing's went-on-duty event reaches the pool over Kafka; nothing else runs the allocator here
    expect((await jsonRequest(`${system.routing.url}/v1/members/${sunId}/on-duty`, lead, 'POST')).status).toBe(200);
    const allocated = await waitFor('the waiting lead allocated', async () => {
      const now = (await pool(`/v1/leads/${captured.body.id}`, lead)).body;
      return now.status === 'allocated' && now;
    });
    expect(allocated).toMatchObject({ allocatedTo: sunId });
    expect((await pool('/v1/ledger', lead)).body.pool).toMatchObject({ waiting: 0 });
  });
});
