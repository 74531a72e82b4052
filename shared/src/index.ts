export * from './sample.js';
export * from './api.js';
export * from './proto.js';
export * from './settings.js';
export * from './settings_file.js';
export * from './prometheus.js';
export * from './catalog.js';
