export * from './limits.js';
export * from './close-codes.js';
export * from './messages.js';
export * from './parse-message.js';
export * from './frame.js';
export * from './tile-image.js';
export * from './random-id.js';
export * from './login.js';
