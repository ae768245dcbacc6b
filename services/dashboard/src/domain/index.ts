export * from './board-rows';
export * from './iso-week';
export * from './weekly-kpis';
