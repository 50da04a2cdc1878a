// @podium/contracts: what the api, the worker and the libs agree on, written once (plain TypeScript, no framework).
export * from './evaluation-job';
export * from './image-extensions';
export * from './metric-keys';
