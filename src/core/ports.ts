/**
 * The ports: what the core asks of the platforms it speaks to. Each side has its own file under
 * ports/; this module gathers them, so the core and the adapters import one place.
 */
export * from './ports/files.js';
export * from './ports/customer-channel.js';
export * from './ports/agent-bridge.js';
