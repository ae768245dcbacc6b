import { randomUUID } from 'node:crypto';
import { allItems, answer, clientsOf } from './support/api-clients';
import { RunningSystem, startSystem, waitFor } from './support/system-harness';

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
      await answer(
        clientsOf(system, lead).routing.POST('/v1/members', {
          body: { memberId, role: 'agent', name: memberId, tier: 'L1', capacity: 50, skills: [], scenarios: [], onDuty: true },
        }),
        201,
      );
    }
    await waitFor(
      'the pool to know the roster',
      async () => (await system.leads!.runtime.repository.members(system.leads!.runtime.dataSource)).filter((m) => m.onDuty).length === 2,
    );
    await answer(
      pool(lead).PUT('/v1/ratios', {
        body: {
          ratios: [
            { memberId: wangId, weight: 1 },
            { memberId: chenId, weight: 1 },
          ],
          acceptMinutes: 60,
        },
      }),
    );
  }, 90_000);

  afterAll(async () => {
    await system?.stop();
  });

  const pool = (token: string) => clientsOf(system, token).leads!;
  const intake = (token: string) => clientsOf(system, token).intake;
  const path = (id: string) => ({ params: { path: { id } } });
  const capture = (phone: string) =>
    answer(pool(lead).POST('/v1/leads', { body: { platform: 'douyin', account: '@studio', customerHandle: '推流小王', contact: { phone }, memberId: wangId } }), 201);
  const tokenOf = async (memberId: string) => system.token({ role: 'agent', id: memberId });

  it('converts an accepted lead into a ticket (channel lead) caused by the conversion, on real Kafka', async () => {
    const phone = `+86 137 ${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
    const captured = await capture(phone);
    const holder = await tokenOf(captured.allocatedTo!);
    expect(await answer(pool(holder).POST('/v1/leads/{id}/acceptance', path(captured.id)))).toMatchObject({ status: 'accepted' });
    const converted = await answer(
      pool(holder).POST('/v1/leads/{id}/conversion', { ...path(captured.id), body: { deviceModel: 'OBS 推流主机', problem: '想升级直播设备，推流卡顿', urgency: 'normal' } }),
    );
    expect(converted).toMatchObject({ status: 'converted' });

    const ticketId = await waitFor('the ticket linked to the lead', async () => (await answer(pool(lead).GET('/v1/leads/{id}', path(captured.id)))).ticketId);
    const ticket = await answer(intake(lead).GET('/v1/tickets/{id}', path(ticketId)));
    expect(ticket).toMatchObject({ channel: 'lead', customer: { name: '推流小王', phone }, deviceModel: 'OBS 推流主机', urgency: 'normal' });
    const [received] = await answer(intake(lead).GET('/v1/tickets/{id}/history', path(ticketId)));
    const conversion = (await answer(pool(lead).GET('/v1/leads/{id}/history', path(captured.id)))).find((h) => h.type === 'support.lead.converted.v1');
    expect(received).toMatchObject({ type: 'support.ticket.received.v1', causationId: conversion?.id });
  });

  it('flags a ticket opened for a contact a member holds as an un-accepted lead', async () => {
    const phone = `+86 136 ${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
    const captured = await capture(phone);
    expect(captured.status).toBe('allocated');
    const { id: ticketId } = await answer(
      intake(desk).POST('/v1/tickets', { body: { channel: 'wechat', customer: { name: '推流小王', phone }, deviceModel: 'OBS', problem: '推流卡顿', urgency: 'normal' } }),
      201,
    );
    const flag = await waitFor('the hoarding flag', async () =>
      (await allItems((query) => answer(pool(lead).GET('/v1/hoarding-flags', { params: { query } })))).find((f) => f.ticketId === ticketId),
    );
    expect(flag).toEqual({ leadId: captured.id, ticketId, memberId: captured.allocatedTo, leadStatus: 'allocated' });
    expect((await pool(wang).GET('/v1/hoarding-flags')).response.status).toBe(403);
  });

  it('names a member of the ratios who is off duty, says why a lead waits, and allocates it once routing puts them on duty', async () => {
    const sunId = `m-sun-${randomUUID().slice(0, 6)}`;
    await answer(
      clientsOf(system, lead).routing.POST('/v1/members', {
        body: { memberId: sunId, role: 'agent', name: sunId, tier: 'L1', capacity: 50, skills: [], scenarios: [], onDuty: false },
      }),
      201,
    );
    await waitFor('the pool to know the new member', async () =>
      (await system.leads!.runtime.repository.members(system.leads!.runtime.dataSource)).some((m) => m.memberId === sunId),
    );
    const ratios = await answer(pool(lead).PUT('/v1/ratios', { body: { ratios: [{ memberId: sunId, weight: 1 }], acceptMinutes: 60 } }));
    expect(ratios).toMatchObject({ offDuty: [sunId], warnings: [expect.stringContaining(sunId)] });

    const captured = await capture(`+86 135 ${Math.floor(10_000_000 + Math.random() * 89_999_999)}`);
    expect(captured).toMatchObject({ status: 'pooled', waitingReason: { code: 'no-member-on-duty' } });
    expect((await answer(pool(lead).GET('/v1/ledger'))).pool).toMatchObject({ waiting: 1, oldestWaitingSince: expect.any(String) });

    // routing's went-on-duty event reaches the pool over Kafka; nothing else runs the allocator here
    await answer(clientsOf(system, lead).routing.POST('/v1/members/{id}/on-duty', path(sunId)));
    const allocated = await waitFor('the waiting lead allocated', async () => {
      const now = await answer(pool(lead).GET('/v1/leads/{id}', path(captured.id)));
      return now.status === 'allocated' && now;
    });
    expect(allocated).toMatchObject({ allocatedTo: sunId });
    expect((await answer(pool(lead).GET('/v1/ledger'))).pool).toMatchObject({ waiting: 0 });
  });
});
