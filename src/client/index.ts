export * from './errors.js';
export * from './options.js';
export * from './outbox.js';
export * from './paced-sender.js';
export * from './stream.js';
export * from './visitor-connection.js';
export * from './visitor-store.js';
