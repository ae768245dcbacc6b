// the data of events as intake would publish them, for the dashboard's e2e specs

/** `support.ticket.received.v1` of a customer's ticket received (and asked for) at `at` */
export function receivedData(customerId: string, urgency: 'urgent' | 'normal', at: Date) {
  return {
    customerId,
    customer: { name: '王女士', phone: '+86 138 0013 8000' },
    channel: 'phone',
    deviceModel: 'Dell XPS 15',
    problem: '开机蓝屏',
    urgency,
    requestedAt: at.toISOString(),
    receivedAt: at.toISOString(),
  };
}
