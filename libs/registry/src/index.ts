// Public API of @podium/registry: pure registry rules (stages, aliases, gates, plans) and run analysis (compare, grid, report).
export * from './registry-error';
export * from './stages';
export * from './snapshots';
export * from './metric-value';
export * from './stats';
export * from './policy';
export * from './aliases';
export * from './gate-types';
export * from './gates';
export * from './transition-plan';
export * from './history';
export * from './compare-runs';
export * from './grid-analysis';
export * from './report-i18n';
export * from './decision-report';
