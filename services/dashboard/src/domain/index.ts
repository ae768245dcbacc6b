export * from './board-rows';
export * from './iso-week';
export * from './team-rows';
export * from './weekly-kpis';
export * from './trends';
export * from './board-as-of';
export * from './what-if-comparison';
