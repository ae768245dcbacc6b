export * from './visit.commands';
export * from './visit.state';
export * from './visit.decider';
export * from './sheet.commands';
export * from './sheet.state';
export * from './sheet.decider';
