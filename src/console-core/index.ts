// console-core's public surface: what main/ and the renderer import.
export * from './api-error.ts';
export * from './api-client.ts';
export * from './events.ts';
export * from './rep-connection.ts';
export * from './core-context.ts';
export * from './console-api.ts';
export * from './desktop-shell.ts';
