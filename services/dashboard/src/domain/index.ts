export * from './iso-week';
export * from './weekly-kpis';
