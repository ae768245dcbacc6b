export * from './ticket.commands';
export * from './ticket.state';
export * from './ticket.transitions';
export * from './ticket.decider';
export * from './customer.decider';
