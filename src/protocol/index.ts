// The wire contract, declared once and imported by broker, console-core, renderer and agents.
export * from './errors.ts';
export * from './text.ts';
export * from './users.ts';
export * from './auth.ts';
export * from './site.ts';
export * from './sessions.ts';
export * from './screen.ts';
export * from './reports.ts';
export * from './recordings.ts';
export * from './keysyms.ts';
export * from './remote-control.ts';
export * from './portal-look.ts';
export * from './channels.ts';
export * from './channel-endpoint.ts';
export * from './channel-mux.ts';
