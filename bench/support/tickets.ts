/** A valid `POST /v1/tickets` body, a new customer's phone each time (API.md, intake). */
export function ticketBody(): string {
  return JSON.stringify({
    channel: 'api',
    customer: { name: 'Bench Customer', phone: `+86 13${Math.floor(100_000_000 + Math.random() * 899_999_999)}` },
    deviceModel: 'Bench Device',
    problem: '开机蓝屏，无法进入系统 (benchmark)',
    urgency: Math.random() < 0.3 ? 'urgent' : 'normal',
  });
}
